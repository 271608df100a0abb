// One HTTP request with the path and headers sent exactly as given (no URL normalisation, any Host),
// over a fresh connection: what an attacker's raw client sends, not what a well-behaved SDK would.
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as is: `/v%31/chat/completions`, `//v1/…`, `/v1/..;x`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function sendRaw(baseUrl: string, raw: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers: { ...(raw.body === undefined ? {} : { 'content-type': 'application/json' }), ...raw.headers }, agent: false, timeout: 10_000 },
      (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (part: Buffer) => parts.push(part));
        incoming.on('end', () => {
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(parts).toString('utf8') });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer to ${raw.method} ${raw.path}`)));
    outgoing.on('error', reject);
    outgoing.end(raw.body);
  });
}
