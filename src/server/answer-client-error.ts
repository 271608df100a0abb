// What a client gets when Node's HTTP parser gives up on its connection before any route ran: the
// request timeout (server.request_timeout_ms), headers too large, or bytes that are not HTTP. The
// answer is written on the raw socket (there is no request object), in the OpenAI error shape, and
// the connection closed. Fastify's default handler writes its own shape instead.
import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { GatewayError } from '../core/errors.ts';
import { renderError } from './render-error.ts';

// Taken by require, not `import … from 'node:http'`: an ES import of a built-in reads every export,
// and node:http's WebSocket, CloseEvent and MessageEvent are getters that load Node's own bundled
// undici (internal/deps/undici, ~0.8 MB of source). This was the server's only ES import of node:http
// (fastify and undici require it); the bundle cost ~3–4 MB of resident memory at rest
// (docs/benchmarks.md "Idle RSS, round four").
const { STATUS_CODES } = createRequire(import.meta.url)('node:http') as typeof Http;

function toClientError(error: Error & { code?: string }): GatewayError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new GatewayError('request_timeout', 'The request was not received in time.');
  if (error.code === 'HPE_HEADER_OVERFLOW') return new GatewayError('invalid_request', 'The request headers are too large.', { status: 431 });
  return new GatewayError('invalid_request', 'The request is not valid HTTP.');
}

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const rendered = renderError(toClientError(error), '');
    const body = JSON.stringify(rendered.body);
    socket.write(`HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
