// Writes a committed stream to a client as clean SSE: `data: <json>\n\n` per chunk, flushed as it
// comes, a `: keep-alive` comment when the upstream is quiet, `data: [DONE]\n\n` last, no
// content-length. A failure after the first byte ends the stream with an in-band error event.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { DONE_FRAME, encodeDataEvent, KEEPALIVE_FRAME } from '../codec/sse/index.ts';
import type { GatewayError } from '../core/errors.ts';
import type { CappedText } from '../relay/capture.ts';
import type { CommittedStream, FrameSink } from '../relay/committed-stream.ts';
import { renderError, toGatewayError } from './render-error.ts';

export interface SseOptions {
  requestId: string;
  keepaliveMs: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Extra response headers (which channel answered). */
  headers: Record<string, string>;
  /** Debug capture: a copy of every frame written. */
  transcript?: CappedText;
}

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied responses unless told not to (docs/wire-formats.md 4.5).
  'x-accel-buffering': 'no',
} as const;

/**
 * Node builds the response head one header at a time and keeps it for the response's life: a tree of
 * ~55 cons strings (1.8 KB per held stream, docs/benchmarks.md "Memory, round three"). Sent on its
 * own it is flattened in place; corked, it still leaves with the first frames in one write.
 */
function sendHeadFlat(response: ServerResponse): void {
  const { socket } = response;
  if (socket === null) return;
  socket.setNoDelay(true);
  socket.cork();
  response.flushHeaders();
  process.nextTick(() => socket.uncork());
}

/**
 * Resolves when the stream is over; returns the error that ended it early, if any. Each upstream
 * read's frames arrive as one string and go out with one `write`; the next read waits for 'drain'
 * when the client's buffer is full.
 */
export async function writeSse(response: ServerResponse, stream: CommittedStream, options: SseOptions): Promise<GatewayError | undefined> {
  response.writeHead(200, { ...options.headers, ...sseHeaders, 'x-request-id': options.requestId });
  sendHeadFlat(response);
  const gone = (): boolean => response.destroyed || options.signal.aborted;
  const write = (frames: string): boolean => {
    if (gone()) return true;
    options.transcript?.appendText(frames);
    return response.write(frames);
  };
  const { encoder } = stream;
  const keepaliveFrame = encoder?.keepalive ?? KEEPALIVE_FRAME;
  const keepalive = setTimeout(function beat() {
    if (!gone()) response.write(keepaliveFrame);
    keepalive.refresh();
  }, options.keepaliveMs);
  keepalive.unref();
  const sink: FrameSink = {
    write(frames) {
      keepalive.refresh();
      return write(frames);
    },
    drained: () => (gone() ? Promise.resolve() : once(response, 'drain', { signal: options.signal }).then(() => undefined, () => undefined)),
  };
  let failure: GatewayError | undefined;
  try {
    await stream.pipeTo(sink);
  } catch (error) {
    failure = toGatewayError(options.signal.aborted ? options.signal.reason : error);
    write(encoder === undefined ? encodeDataEvent(renderError(failure, options.requestId).body) : encoder.encodeFailure(failure, options.requestId));
  } finally {
    clearTimeout(keepalive);
    // Chat Completions ends every stream with [DONE]; another protocol's encoder wrote its own end.
    if (encoder === undefined) write(DONE_FRAME);
    response.end();
  }
  return failure;
}
