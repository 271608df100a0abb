// Shared base for the provider emulators: a node:http server on 127.0.0.1, port 0, that records
// every request it receives so a test can assert what the upstream saw (docs/design.md "Tests").
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonObject = { [key: string]: unknown };

export interface ReceivedRequest {
  method: string;
  /** Path with query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body's bytes as received (uploads: compare what arrived with what was sent). */
  bytes: Buffer;
  /** The body parsed as JSON when it is a JSON object; undefined otherwise. */
  body: JsonObject | undefined;
}

export type EmulatorHandler = (request: ReceivedRequest, response: ServerResponse) => Promise<void> | void;

export interface Emulator {
  /** Base URL ending in `/v1`, as an OpenAI SDK or a Sluice channel takes it. */
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(rawBody: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function startEmulator(handler: EmulatorHandler): Promise<Emulator> {
  const received: ReceivedRequest[] = [];
  const server = createServer((incoming, response) => {
    const parts: Buffer[] = [];
    incoming.on('data', (part: Buffer) => parts.push(part));
    incoming.on('end', () => {
      const bytes = Buffer.concat(parts);
      const rawBody = bytes.toString('utf8');
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        rawBody,
        bytes,
        body: parseBody(rawBody),
      };
      received.push(request);
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

/** Wraps a handler so it only answers `POST /v1/chat/completions`; anything else gets a 404. */
export function chatCompletionsOnly(handler: EmulatorHandler): EmulatorHandler {
  return (request, response) => {
    if (request.method === 'POST' && request.path.split('?')[0] === '/v1/chat/completions') {
      return handler(request, response);
    }
    // Not a recorded upstream body: only here so a wrong path fails loudly.
    writeJson(response, 404, `{"error":{"message":"emulator: no route for ${request.method} ${request.path}","type":"invalid_request_error","param":null,"code":"unknown_url"}}`);
    return undefined;
  };
}

export function writeJson(
  response: ServerResponse,
  status: number,
  bodyText: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(bodyText)),
    ...headers,
  });
  response.end(bodyText);
}

/** Reads `stream` from a request body the way upstreams do: only `true` means streaming. */
export function wantsStream(request: ReceivedRequest): boolean {
  return request.body?.['stream'] === true;
}

export function wantsUsage(request: ReceivedRequest): boolean {
  const options = request.body?.['stream_options'];
  return isJsonObject(options) && options['include_usage'] === true;
}

export function hasField(request: ReceivedRequest, field: string): boolean {
  return request.body !== undefined && Object.hasOwn(request.body, field);
}

/** True when the field is present with a value other than null (OpenAI treats null as absent). */
export function hasValue(request: ReceivedRequest, field: string): boolean {
  const value = request.body?.[field];
  return value !== undefined && value !== null;
}

export function requestedModel(request: ReceivedRequest): string {
  const model = request.body?.['model'];
  return typeof model === 'string' ? model : '';
}
