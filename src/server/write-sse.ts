// Writes a committed stream to a client as clean SSE: `data: <json>\n\n` per chunk, flushed as it
// comes, a `: keep-alive` comment when the upstream is quiet, `data: [DONE]\n\n` last, no
// content-length. A failure after the first byte ends the stream with an in-band error event.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { DONE_FRAME, encodeDataEvent, KEEPALIVE_FRAME } from '../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../core/chat.ts';
import type { GatewayError } from '../core/errors.ts';
import type { CappedText } from '../relay/capture.ts';
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

/** Resolves when the stream is over; returns the error that ended it early, if any. */
export async function writeSse(
  response: ServerResponse,
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: SseOptions,
): Promise<GatewayError | undefined> {
  response.writeHead(200, { ...options.headers, ...sseHeaders, 'x-request-id': options.requestId });
  response.socket?.setNoDelay(true);
  const write = async (frame: string): Promise<void> => {
    if (response.destroyed || options.signal.aborted) return;
    options.transcript?.appendText(frame);
    if (!response.write(frame)) await once(response, 'drain', { signal: options.signal }).catch(() => undefined);
  };
  const keepalive = setTimeout(function beat() {
    if (!response.destroyed && !options.signal.aborted) response.write(KEEPALIVE_FRAME);
    keepalive.refresh();
  }, options.keepaliveMs);
  keepalive.unref();
  let failure: GatewayError | undefined;
  try {
    for await (const chunk of chunks) {
      await write(encodeDataEvent(chunk));
      keepalive.refresh();
    }
  } catch (error) {
    failure = toGatewayError(options.signal.aborted ? options.signal.reason : error);
    await write(encodeDataEvent(renderError(failure, options.requestId).body));
  } finally {
    clearTimeout(keepalive);
    await write(DONE_FRAME);
    response.end();
  }
  return failure;
}
