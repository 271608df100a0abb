// One attempt on one channel: send, read the answer in the upstream's mode, adapt it to the
// client's, and hold the commit point — for a streaming client, return only once the first chunk
// is parsed. Timeouts for the first chunk and between chunks are watched here, on parsed events,
// so comments and keep-alives do not count as progress.
import { CompletionCollector } from '../adapt/collect-stream.ts';
import { estimateUsage } from '../adapt/estimate-usage.ts';
import type { ModePlan } from '../adapt/plan-upstream-mode.ts';
import { replayAsStream } from '../adapt/replay-as-stream.ts';
import { decodeStream } from '../codec/sse/index.ts';
import type { Channel } from '../core/channel.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { UpstreamRequest } from '../core/upstream.ts';
import { linkAbort, startWatchdog, type LinkedAbort } from '../lib/abort.ts';
import { streamOf } from '../lib/stream-of.ts';
import type { Provider } from '../providers/types.ts';
import { startExchangeCapture, type AttemptCapture } from './capture-exchange.ts';
import { openUpstream, readJsonBody, type SendUpstream } from './open-upstream.ts';
import type { RequestRecord } from './request-record.ts';
import { streamToClient } from './stream-to-client.ts';

export type RelayOutcome =
  | { kind: 'completion'; completion: ChatCompletion }
  /** Already past the commit point: the first chunk was parsed; iterating may still throw after it. */
  | { kind: 'stream'; chunks: AsyncIterable<ChatCompletionChunk> };

export interface AttemptInput {
  request: ChatRequest;
  channel: Channel;
  provider: Provider;
  plan: ModePlan;
  upstreamRequest: UpstreamRequest;
  /** The request's signal: client gone or total deadline passed. */
  signal: AbortSignal;
  record: RequestRecord;
  send: SendUpstream;
  /** Runs once the outcome is over (stream ended, or completion ready, or failure). */
  onSettled: () => void;
  /** Where to record this exchange, when debug capture is on for it. */
  capture: AttemptCapture | undefined;
}

async function collect(chunks: AsyncIterable<ChatCompletionChunk>, onChunk: () => void): Promise<ChatCompletion> {
  const collector = new CompletionCollector();
  for await (const chunk of chunks) {
    onChunk();
    collector.add(chunk);
  }
  return collector.result();
}

/** The client sees the model name it asked for, and always usage (counted locally if need be). */
function finishCompletion(completion: ChatCompletion, request: ChatRequest, record: RequestRecord): ChatCompletion {
  const upstreamUsage = completion.usage ?? undefined;
  const usage = upstreamUsage ?? estimateUsage(request, completionText(completion));
  record.promptTokens = usage.prompt_tokens;
  record.completionTokens = usage.completion_tokens;
  record.usageSource = upstreamUsage === undefined ? 'estimated' : 'upstream';
  return { ...completion, model: request.model, usage };
}

function completionText(completion: ChatCompletion): string {
  return completion.choices
    .map(({ message }) => `${message.reasoning_content ?? ''}${message.content ?? ''}${(message.tool_calls ?? []).map((call) => call.function.arguments).join('')}`)
    .join('');
}

interface AttemptTimer {
  headersArrived(): void;
  chunkArrived(): void;
  stop(): void;
}

/**
 * One timer per attempt, re-armed at each phase: first byte (from the send), first chunk (from the
 * headers), idle (between parsed chunks). On expiry it aborts the attempt with a typed timeout.
 */
function watchAttempt(channel: Channel, attempt: LinkedAbort): AttemptTimer {
  const { firstByteMs, firstChunkMs, idleMs } = channel.timeouts;
  let phase = 'waiting for the first byte';
  const watchdog = startWatchdog(firstByteMs, (ms) => {
    attempt.abort(new GatewayError('upstream_timeout', `${channel.name} timed out ${phase} (${ms} ms)`, { upstream: { channel: channel.name } }));
  });
  return {
    headersArrived() {
      phase = 'waiting for the first chunk';
      watchdog.kick(firstChunkMs);
    },
    chunkArrived() {
      phase = 'between chunks (idle)';
      watchdog.kick(idleMs);
    },
    stop: () => {
      watchdog.stop();
    },
  };
}

/**
 * Pulls the first chunk before anything is sent (the commit point), then hands back the same
 * stream with that chunk in front — a plain iterator, not another async stage per chunk.
 */
async function commitOnFirstChunk(chunks: AsyncGenerator<ChatCompletionChunk>, channel: string): Promise<AsyncIterable<ChatCompletionChunk>> {
  const first = await chunks.next();
  if (first.done === true) {
    throw new GatewayError('upstream_bad_response', `${channel} ended its stream without a single chunk`, { upstream: { channel, status: 200 } });
  }
  let pending: IteratorResult<ChatCompletionChunk> | undefined = first;
  const iterator: AsyncIterator<ChatCompletionChunk> = {
    next: () => {
      if (pending === undefined) return chunks.next();
      const result = pending;
      pending = undefined;
      return Promise.resolve(result);
    },
    return: (value?: unknown) => chunks.return(value),
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

export async function runAttempt(input: AttemptInput): Promise<RelayOutcome> {
  const { request, channel, provider, plan, record } = input;
  const attempt = linkAbort(input.signal);
  const timer = watchAttempt(channel, attempt);
  const capture = input.capture === undefined ? undefined : startExchangeCapture(input.upstreamRequest, input.capture);
  let handedOver = false;
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    timer.stop();
    attempt.dispose();
    capture?.finish();
    input.onSettled();
  };
  try {
    const response = await openUpstream(provider, input.upstreamRequest, {
      channel: channel.name,
      signal: attempt.signal,
      timeouts: channel.timeouts,
      limits: channel.limits,
      stream: plan.upstreamStream,
      send: input.send,
      ...(capture === undefined ? {} : { observe: capture.observe }),
    });
    // `created` for dialects whose answers carry no time (Anthropic, Gemini): when the answer arrived.
    const parseContext = { channel: channel.name, receivedAt: Math.floor(Date.now() / 1000) };
    let upstreamChunks: AsyncIterable<ChatCompletionChunk>;
    if (plan.upstreamStream) {
      timer.headersArrived();
      upstreamChunks = provider.parseChatStream(decodeStream(response.body), parseContext);
      if (request.stream !== true) return { kind: 'completion', completion: finishCompletion(await collect(upstreamChunks, () => { timer.chunkArrived(); }), request, record) };
    } else {
      // A JSON body: undici's idle timeout covers its bytes.
      timer.stop();
      const completion = provider.parseChatResponse(await readJsonBody(response, channel.name), parseContext);
      if (request.stream !== true) return { kind: 'completion', completion: finishCompletion(completion, request, record) };
      upstreamChunks = streamOf(replayAsStream(completion, { includeUsage: true }));
    }
    const clientChunks = streamToClient(upstreamChunks, {
      clientModel: request.model,
      clientWantsUsage: plan.clientWantsUsage,
      channel: channel.name,
      record,
      estimate: (text) => estimateUsage(request, text),
      onChunk: () => {
        timer.chunkArrived();
      },
      onSettled: settle,
    });
    const chunks = await commitOnFirstChunk(clientChunks, channel.name);
    handedOver = true;
    return { kind: 'stream', chunks };
  } catch (error) {
    // An abort of the attempt (a watchdog) or of the request says why better than the socket error.
    if (attempt.signal.aborted && attempt.signal.reason instanceof GatewayError) throw attempt.signal.reason;
    throw error;
  } finally {
    if (!handedOver) settle();
  }
}
