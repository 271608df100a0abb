// Run with --expose-gc (src/relay/run-attempt.test.ts): one streamed attempt through runAttempt, its
// upstream stream held after the first chunk (the commit point passed, the committed stream kept as
// the server keeps it while it waits for the next chunk). Prints, as one JSON line, whether the
// attempt's upstream request (the body sent upstream) and the client's parsed request are still
// reachable after full collections: a held stream needs neither, only the prompt's text for a usage
// estimate (docs/benchmarks.md, "Held stream, round six" and "round seven").
import { parseConfig } from '../../src/config/index.ts';
import type { ChatRequest } from '../../src/core/chat.ts';
import type { UpstreamRequest, UpstreamResponse } from '../../src/core/upstream.ts';
import { openaiProvider } from '../../src/providers/openai/index.ts';
import { createRequestRecord } from '../../src/relay/request-record.ts';
import { runAttempt, type RelayOutcome } from '../../src/relay/run-attempt.ts';

const firstChunk = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] })}\n\n`;

// The channel as a config file gives it (every policy at its default).
const channel = parseConfig('channels:\n  - { name: up, type: openai, base_url: "http://127.0.0.1:9/v1", api_key: key-1, models: [m] }\n', { file: 'held.yaml', env: {} }).channels[0]!;

/** An upstream stream that gives its first chunk and then holds, as the bench's mock does. */
function heldBody(): AsyncIterable<Uint8Array> {
  let sent = false;
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (sent) return new Promise<IteratorResult<Uint8Array>>(() => undefined);
        sent = true;
        return Promise.resolve({ done: false, value: new TextEncoder().encode(firstChunk) });
      },
      return: () => Promise.resolve({ done: true, value: undefined }),
    }),
  };
}

/** Starts the attempt; only WeakRefs to its upstream request and the client's request leave this function. */
async function startHeldAttempt(): Promise<{ outcome: RelayOutcome; sent: WeakRef<UpstreamRequest>; asked: WeakRef<ChatRequest> }> {
  // An image part: what the estimate never reads, yet a held stream kept with the request.
  const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(10_000)}` } }] }], stream: true };
  const upstreamRequest: UpstreamRequest = { url: 'http://127.0.0.1:9/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(10_000) }], stream: true } };
  const send = (): Promise<UpstreamResponse> => Promise.resolve({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: heldBody() });
  const outcome = await runAttempt({
    request,
    channel,
    provider: openaiProvider,
    plan: { upstreamStream: true, sendStreamOptions: false, adaptation: undefined, clientWantsUsage: false },
    upstreamRequest,
    signal: new AbortController().signal,
    record: createRequestRecord('req-1', 'm', true),
    send,
    onSettled: () => undefined,
    capture: undefined,
  });
  return { outcome, sent: new WeakRef(upstreamRequest), asked: new WeakRef(request) };
}

const gc = (globalThis as { gc?: (options: { type: 'major' }) => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const { outcome, sent, asked } = await startHeldAttempt();
for (let round = 0; round < 3; round += 1) {
  await new Promise((resolve) => setImmediate(resolve));
  gc({ type: 'major' });
}
console.log(JSON.stringify({ streaming: outcome.kind === 'stream', upstreamRequestKept: sent.deref() !== undefined, clientRequestKept: asked.deref() !== undefined }));
process.exit(0);
