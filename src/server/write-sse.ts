// Writes a committed stream to a client as clean SSE: `data: <json>\n\n` per chunk, flushed as it
// comes, a `: keep-alive` comment when the upstream is quiet, `data: [DONE]\n\n` last, no
// content-length. A failure after the first byte ends the stream with an in-band error event.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DONE_FRAME, encodeDataEvent, KEEPALIVE_FRAME } from '../codec/sse/index.ts';
import type { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import type { CappedText } from '../relay/capture.ts';
import type { CommittedStream, FrameSink, StreamEnd } from '../relay/committed-stream.ts';
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
  process.nextTick(() => {
    socket.uncork();
  });
}

/**
 * One HTTP/1.1 chunk: its size line, the text, CRLF (RFC 9112 section 7.1). What `response.write` sends for a
 * chunked response too, but there each write corks the socket, hands it four pieces (size, CRLF, text,
 * CRLF) and uncorks it on a nextTick, where they leave in one `writev`: ~4–7 µs and ~0.9 KB a write more
 * than one string written at once (docs/benchmarks.md "Stream CPU, round eight").
 */
export function frameChunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

/**
 * The socket a chunked response's frames can be written to directly, already framed: the response
 * owns it now (a pipelined response waiting for its turn has none yet) and Node frames its body in
 * chunks (not an HTTP/1.0 client's response, which is read to the connection's end). Otherwise
 * undefined, and frames go through `response.write`.
 */
function chunkedSocketOf(response: ServerResponse): Socket | undefined {
  const { socket } = response;
  if (socket === null || !response.chunkedEncoding || !response.headersSent) return undefined;
  return socket;
}

/**
 * Starts writing a committed stream; `onEnd` runs once when it is over, with the error that ended it
 * early, if any. Each upstream read's frames arrive as one string and go out with one `write`; the
 * next read waits for 'drain' when the client's buffer is full. Driven by callbacks: nothing waits
 * in a suspended function while the stream is held.
 */
export function writeSse(response: ServerResponse, stream: CommittedStream, options: SseOptions, onEnd: (failure: GatewayError | undefined) => void): void {
  response.writeHead(200, { ...options.headers, ...sseHeaders, 'x-request-id': options.requestId });
  sendHeadFlat(response);
  const writer = new SseWriter(response, stream.encoder, options, onEnd);
  stream.pipeTo(writer, writer.end);
}

/**
 * The client's side of one SSE stream: frames, keep-alives while the upstream is quiet, the end. It
 * keeps of its options only what it reads after the head went out (not the options object and its
 * routing headers: a held stream keeps the writer for its life, docs/benchmarks.md "Held stream, round seven").
 */
class SseWriter implements FrameSink {
  readonly #response: ServerResponse;
  /** Set when frames go straight to the socket as chunks (`chunkedSocketOf`). */
  readonly #socket: Socket | undefined;
  readonly #encoder: StreamEncoder | undefined;
  readonly #requestId: string;
  readonly #signal: AbortSignal;
  readonly #transcript: CappedText | undefined;
  readonly #onEnd: (failure: GatewayError | undefined) => void;
  readonly #keepalive: NodeJS.Timeout;
  #resume: (() => void) | undefined;

  constructor(response: ServerResponse, encoder: StreamEncoder | undefined, options: SseOptions, onEnd: (failure: GatewayError | undefined) => void) {
    this.#response = response;
    this.#socket = chunkedSocketOf(response);
    this.#encoder = encoder;
    this.#requestId = options.requestId;
    this.#signal = options.signal;
    this.#transcript = options.transcript;
    this.#onEnd = onEnd;
    this.#keepalive = setTimeout(this.#beat, options.keepaliveMs);
    this.#keepalive.unref();
  }

  #gone(): boolean {
    return this.#response.destroyed || this.#signal.aborted || this.#socket?.destroyed === true;
  }

  #send(frames: string): boolean {
    if (this.#gone()) return true;
    this.#transcript?.appendText(frames);
    return this.#put(frames);
  }

  /**
   * Frames to the client: one framed chunk on the socket, or `response.write`. Nothing for no text:
   * a chunk of size 0 is the body's end (`response.write('')` writes nothing either).
   */
  #put(frames: string): boolean {
    const socket = this.#socket;
    if (socket === undefined) return this.#response.write(frames);
    return frames === '' ? !socket.writableNeedDrain : socket.write(frameChunk(frames));
  }

  readonly #beat = (): void => {
    if (!this.#gone()) this.#put(this.#encoder?.keepalive ?? KEEPALIVE_FRAME);
    this.#keepalive.refresh();
  };

  write(frames: string): boolean {
    this.#keepalive.refresh();
    return this.#send(frames);
  }

  whenDrained(resume: () => void): void {
    if (this.#gone()) {
      resume();
      return;
    }
    this.#resume = resume;
    (this.#socket ?? this.#response).once('drain', this.#drained);
    this.#signal.addEventListener('abort', this.#drained, { once: true });
  }

  readonly #drained = (): void => {
    (this.#socket ?? this.#response).off('drain', this.#drained);
    this.#signal.removeEventListener('abort', this.#drained);
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  };

  readonly end = (end: StreamEnd): void => {
    const signal = this.#signal;
    const requestId = this.#requestId;
    const encoder = this.#encoder;
    let failure: GatewayError | undefined;
    try {
      if (end !== undefined) {
        failure = toGatewayError(signal.aborted ? signal.reason : end.failure);
        this.#send(encoder === undefined ? encodeDataEvent(renderError(failure, requestId).body) : encoder.encodeFailure(failure, requestId));
      }
    } finally {
      clearTimeout(this.#keepalive);
      // [DONE] and the last chunk (end()'s, which uncorks the socket) leave in one write.
      if (!this.#gone()) this.#socket?.cork();
      // Chat Completions ends every stream with [DONE]; another protocol's encoder wrote its own end.
      if (encoder === undefined) this.#send(DONE_FRAME);
      this.#response.end();
      this.#onEnd(failure);
    }
  };
}
