// A webhook receiver for alert tests (docs/alerts.md): node:http on 127.0.0.1 port 0 that keeps every
// POST's JSON body, and a bounded poll for what it received.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  url: string;
  body: Record<string, unknown>;
  answered: number;
  /** performance.now() when the POST arrived. */
  at: number;
}

export interface AlertReceiver {
  url: string;
  received: ReceivedAlert[];
  close(): void;
}

export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** A receiver that answers 500 to the first `failFirst` POSTs, then 200. */
export async function startAlertReceiver(failFirst = 0): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const server: Server = createServer((request, response) => {
    void readJsonBody(request).then((body) => {
      const answered = received.length < failFirst ? 500 : 200;
      received.push({ url: request.url ?? '', body, answered, at: performance.now() });
      response.writeHead(answered, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hook`, received, close: () => server.close() };
}

/** Polls every 20 ms, at most `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
