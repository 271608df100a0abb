// An OpenAI-compatible upstream that fails on purpose, one scripted fault per request: the
// transient failures of seed problem 5 as real upstreams and proxies produce them.
// - `content-length-short`: a declared Content-Length the body never reaches, then the socket
//   closes (undici's ResponseContentLengthMismatchError / "other side closed", nodejs/undici#742).
// - `content-length-long`: Go's `http: wrote more than the declared Content-Length` seen from the
//   client side: the declared length cuts the JSON short (copy_response_body_failed in one-api).
// - `reset`: the connection drops before any header; `truncated-json`: a 200 whose JSON stops halfway.
// - statuses 500/502/503/504/529 with and without Retry-After (RFC 9110 §10.2.3; Anthropic's 529).
// - `drop-mid-stream`, `stall-before-headers`, `stall-mid-stream`: a stream cut or frozen.
// - `stall-mid-body`: a JSON answer's headers and half its body, then nothing more (the socket stays
//   open), as a proxy that stopped relaying mid-body leaves it; a stream freezes as `stall-mid-stream`.
import type { ServerResponse } from 'node:http';
import { chatCompletionsOnly, startEmulator, wantsStream, wantsUsage, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { dataFrame, openAiDone } from './sse-writer.ts';

export type Fault =
  | 'ok'
  | 'reset'
  | 'content-length-short'
  | 'content-length-long'
  | 'truncated-json'
  | 'drop-mid-stream'
  | 'stall-before-headers'
  | 'stall-mid-stream'
  | 'stall-mid-body'
  | { status: number; retryAfter?: string };

/**
 * Faults that strike before Sluice could have committed a stream to its client. A short
 * Content-Length on a stream delivers its first chunk whole before the socket closes.
 */
export function isBeforeCommit(fault: Fault, stream: boolean): boolean {
  if (!stream) return true;
  return fault !== 'drop-mid-stream' && fault !== 'stall-mid-stream' && fault !== 'stall-mid-body' && fault !== 'content-length-short';
}

export function lastUserText(request: ReceivedRequest): string {
  const messages = request.body?.['messages'];
  const last = Array.isArray(messages) ? (messages.at(-1) as { content?: unknown } | undefined) : undefined;
  return typeof last?.content === 'string' ? last.content : '';
}

/** The exact answer a healthy upstream gives: derived from the question, so any channel agrees. */
export function answerFor(question: string): string {
  return `Answer to ${question}: all good.`;
}

const pieces = (text: string): string[] => [text.slice(0, 7), text.slice(7, 15), text.slice(15)];

function chunk(model: string, delta: object, finish: string | null = null, extra: object = {}): string {
  return dataFrame(JSON.stringify({ id: 'chatcmpl-f', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra }));
}

function streamFrames(request: ReceivedRequest): string[] {
  const model = String(request.body?.['model']);
  const text = answerFor(lastUserText(request));
  const usage = { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 };
  return [
    chunk(model, { role: 'assistant', content: '' }),
    ...pieces(text).map((piece) => chunk(model, { content: piece })),
    chunk(model, {}, 'stop'),
    ...(wantsUsage(request) ? [dataFrame(JSON.stringify({ id: 'chatcmpl-f', object: 'chat.completion.chunk', created: 1, model, choices: [], usage }))] : []),
    openAiDone,
  ];
}

function completionBody(request: ReceivedRequest): string {
  return JSON.stringify({
    id: 'chatcmpl-f',
    object: 'chat.completion',
    created: 1,
    model: request.body?.['model'],
    choices: [{ index: 0, message: { role: 'assistant', content: answerFor(lastUserText(request)) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
  });
}

async function writeStream(response: ServerResponse, frames: readonly string[], stopAfter?: number, stall = false): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [index, frame] of frames.entries()) {
    if (stopAfter !== undefined && index === stopAfter) {
      if (!stall) response.destroy();
      return;
    }
    response.write(frame);
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

export function serveFault(fault: Fault, request: ReceivedRequest, response: ServerResponse): Promise<void> | void {
  const stream = wantsStream(request);
  if (typeof fault === 'object') {
    const body = `{"error":{"message":"upstream says ${fault.status}","type":"server_error","param":null,"code":null}}`;
    response.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }) });
    response.end(body);
    return undefined;
  }
  switch (fault) {
    case 'ok':
      if (stream) return writeStream(response, streamFrames(request));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completionBody(request));
      return undefined;
    case 'reset':
      response.socket?.destroy();
      return undefined;
    case 'stall-before-headers':
      return undefined;
    case 'content-length-short': {
      const body = stream ? streamFrames(request).slice(0, 2).join('') : completionBody(request).slice(0, 40);
      response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json', 'content-length': String(Buffer.byteLength(body) + 500) });
      response.write(body);
      setImmediate(() => response.socket?.destroy());
      return undefined;
    }
    case 'content-length-long':
    case 'truncated-json': {
      // The declared length cuts the body short: for a stream, before the first chunk completes.
      const body = stream ? streamFrames(request).join('') : completionBody(request);
      const declared = stream ? 20 : Math.floor(Buffer.byteLength(body) / 2);
      response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json', 'content-length': String(declared) });
      response.end(body.slice(0, declared));
      return undefined;
    }
    case 'drop-mid-stream':
      return stream ? writeStream(response, streamFrames(request), 2) : serveFault('reset', request, response);
    case 'stall-mid-stream':
      return stream ? writeStream(response, streamFrames(request), 2, true) : serveFault('stall-before-headers', request, response);
    case 'stall-mid-body': {
      if (stream) return serveFault('stall-mid-stream', request, response);
      const body = completionBody(request);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      response.write(body.slice(0, Math.floor(body.length / 2)));
      return undefined;
    }
  }
}

/** An upstream that serves `schedule(n)` for its n-th request (0-based). */
export function startFaultyUpstream(schedule: (index: number, request: ReceivedRequest) => Fault): Promise<Emulator & { faults: Map<string, Fault[]> }> {
  let count = 0;
  const faults = new Map<string, Fault[]>();
  return startEmulator(
    chatCompletionsOnly((request, response) => {
      const fault = schedule(count, request);
      count += 1;
      const question = lastUserText(request);
      faults.set(question, [...(faults.get(question) ?? []), fault]);
      return serveFault(fault, request, response);
    }),
  ).then((emulator) => Object.assign(emulator, { faults }));
}
