// One attempt on one channel: send, read the answer in the upstream's mode, adapt it to the
// client's, and hold the commit point — for a streaming client, return only once the first chunk
// is parsed. Timeouts for the first chunk and between chunks are watched here, on parsed events,
// so comments and keep-alives do not count as progress.
import { CompletionCollector } from '../adapt/collect-stream.ts';
import { estimateUsage, estimatorOf } from '../adapt/estimate-usage.ts';
import type { ModePlan } from '../adapt/plan-upstream-mode.ts';
import { replayAsStream } from '../adapt/replay-as-stream.ts';
import type { Channel } from '../core/channel.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, JsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import type { UpstreamRequest } from '../core/upstream.ts';
import { LimitedWatchdog, linkAbort, type DeadlineLink, type LinkedAbort } from '../lib/abort.ts';
import type { ChatStreamParser, Provider } from '../providers/types.ts';
import { startExchangeCapture, type AttemptCapture } from './capture-exchange.ts';
import { ClientStreamPath, type ClientStreamOptions } from './client-stream-path.ts';
import { commitStream, endedSource, failingSource, readToCommit, type CommittedStream, type FramePath } from './committed-stream.ts';
import { openUpstream, readJsonBody, readJsonBodyNow, type SendUpstream } from './open-upstream.ts';
import { UpstreamPump, type StreamTarget } from './pump-upstream.ts';
import { UpstreamEventReader } from './read-upstream-events.ts';
import { recordUsage, type RequestRecord } from './request-record.ts';

export type RelayOutcome =
  | { kind: 'completion'; completion: ChatCompletion }
  /** Already past the commit point: the first client frame exists; writing it may still fail after it. */
  | { kind: 'stream'; stream: CommittedStream }
  /** A same-dialect answer, already in the client's protocol (src/relay/pass-through-attempt.ts). */
  | { kind: 'answer'; body: JsonObject };

export interface AttemptInput {
  request: ChatRequest;
  /** The client protocol's stream encoder for this attempt (issue 14); absent: Chat Completions frames. */
  createEncoder?: (() => StreamEncoder) | undefined;
  channel: Channel;
  provider: Provider;
  plan: ModePlan;
  upstreamRequest: UpstreamRequest;
  /** The request's signal: client gone or total deadline passed. */
  signal: AbortSignal;
  /** The request's total deadline, which the attempt's watchdog then holds too (attempt-loop.ts). */
  deadline?: DeadlineLink | undefined;
  record: RequestRecord;
  send: SendUpstream;
  /** Runs once the outcome is over (stream ended, or completion ready, or failure). */
  onSettled: () => void;
  /** Where to record this exchange, when debug capture is on for it. */
  capture: AttemptCapture | undefined;
}

/**
 * The collect adaptation: the upstream's stream, read by the same path, folded into one completion.
 * Chunks that repeat the last plain one but for their content are added unparsed.
 */
export async function collectStream(body: AsyncIterable<Uint8Array>, parser: ChatStreamParser, onProgress: () => void, channel: string): Promise<ChatCompletion> {
  const collector = new CompletionCollector();
  const reader = new UpstreamEventReader(parser, {
    chunk: (chunk) => {
      collector.add(chunk);
    },
    content: (content) => collector.addContent(content),
  });
  const pump = new UpstreamPump(body, reader, onProgress, channel);
  try {
    while (!pump.over) await pump.step();
  } finally {
    await pump.release();
  }
  return collector.result();
}

/** The client sees the model name it asked for, and always usage (counted locally if need be). */
function finishCompletion(completion: ChatCompletion, request: ChatRequest, record: RequestRecord): ChatCompletion {
  const upstreamUsage = completion.usage ?? undefined;
  const usage = upstreamUsage ?? estimateUsage(request, completionText(completion));
  recordUsage(record, usage, upstreamUsage === undefined ? 'estimated' : 'upstream');
  return { ...completion, model: request.model, usage };
}

function completionText(completion: ChatCompletion): string {
  return completion.choices
    .map(({ message }) => `${message.reasoning_content ?? ''}${message.content ?? ''}${(message.tool_calls ?? []).map((call) => call.function.arguments).join('')}`)
    .join('');
}

export interface AttemptTimer {
  headersArrived(): void;
  chunkArrived(): void;
  /** A whole answer follows: from now on the silences between its body's pieces are timed (`idle_ms`), and the total limit. */
  answerFollows(): void;
  /** A piece of a whole answer's body came (the upstream client calls it: `SendOptions.watchdog`). */
  bodyRead(): void;
  stop(): void;
}

/**
 * One timer per attempt, re-armed at each phase: first byte (from the send), first chunk (from the
 * headers), idle (between parsed chunks); and in the same timer the call's total limit
 * (`timeouts.total_ms`), so the upstream client keeps no deadline of its own (`deadlineHeld`), or
 * the request's total deadline when it ends first, so that a stream handed to the client keeps one
 * timer (the attempt loop drops its own: `DeadlineLink.watched`). On expiry it aborts the attempt
 * (or the request, at the request's deadline) with a typed timeout.
 */
export function watchAttempt(channel: Channel, attempt: LinkedAbort, deadline?: DeadlineLink): AttemptTimer {
  return new AttemptWatch(channel, attempt, deadline);
}

/**
 * `watchAttempt`'s timer: the watchdog itself, its ends its methods, no closures per phase or for the
 * timer, as a held stream keeps it to its end (docs/benchmarks.md, "Held stream, round nine").
 */
class AttemptWatch extends LimitedWatchdog implements AttemptTimer {
  readonly #channel: Channel;
  readonly #attempt: LinkedAbort;
  /** Set when the request's deadline comes before the call's total limit: the limit is the request's. */
  readonly #deadline: DeadlineLink | undefined;
  #phase = 'waiting for the first byte';

  constructor(channel: Channel, attempt: LinkedAbort, deadline: DeadlineLink | undefined) {
    const { totalMs } = channel.timeouts;
    const requestLeftMs = deadline === undefined ? Number.POSITIVE_INFINITY : deadline.endsAt - performance.now();
    super(channel.timeouts.firstByteMs, Math.min(totalMs, requestLeftMs));
    this.#channel = channel;
    this.#attempt = attempt;
    this.#deadline = requestLeftMs < totalMs ? deadline : undefined;
    if (deadline !== undefined) deadline.watched = true;
  }

  protected countdownExpired(ms: number): void {
    const { name } = this.#channel;
    this.#attempt.abort(new GatewayError('upstream_timeout', `${name} timed out ${this.#phase} (${ms} ms)`, { upstream: { channel: name } }));
  }

  protected limitExpired(ms: number): void {
    if (this.#deadline !== undefined) {
      this.#deadline.expire();
      return;
    }
    const { name } = this.#channel;
    this.#attempt.abort(new GatewayError('upstream_timeout', `${name} took longer than its total limit of ${ms} ms (timeouts.total_ms)`, { upstream: { channel: name } }));
  }

  headersArrived(): void {
    this.#phase = 'waiting for the first chunk';
    this.kick(this.#channel.timeouts.firstChunkMs);
  }

  chunkArrived(): void {
    this.#phase = 'between chunks (idle)';
    this.kick(this.#channel.timeouts.idleMs);
  }

  answerFollows(): void {
    this.bodyRead();
  }

  bodyRead(): void {
    this.#phase = 'waiting for more of the body (idle)';
    this.kick(this.#channel.timeouts.idleMs);
  }
}

/** The replay adaptation: a completion through the same client path, frames ready at once. */
export function replayStream(path: ClientStreamPath, chunks: ChatCompletionChunk[], channel: string, settle: () => void): CommittedStream {
  path.pushChunks(chunks);
  let failure: unknown;
  try {
    path.end();
  } catch (error) {
    failure = error;
  }
  if (path.frames === 0 && failure !== undefined) throw failure as Error;
  if (path.frames === 0) throw new GatewayError('upstream_bad_response', `${channel} ended its stream without a single chunk`, { upstream: { channel, status: 200 } });
  return commitStream(path, failure === undefined ? endedSource : failingSource(failure), settle);
}

/**
 * Pumps an upstream stream until its path's first client frame (the commit point), then hands over
 * the committed rest; before it, the body is released and the failure thrown (the next try runs).
 */
export async function pumpToCommit(body: AsyncIterable<Uint8Array>, path: FramePath & StreamTarget, onProgress: () => void, channel: string, settle: () => void): Promise<CommittedStream> {
  const pump = new UpstreamPump(body, path, onProgress, channel);
  let rest;
  try {
    rest = await readToCommit(path, pump, channel);
  } catch (error) {
    await pump.release();
    throw error;
  }
  return commitStream(path, rest, settle);
}

/** One attempt's resources: its abort link, its watchdog and its capture, freed once by `settle`. */
export interface AttemptScope {
  attempt: LinkedAbort;
  timer: AttemptTimer;
  capture: ReturnType<typeof startExchangeCapture> | undefined;
  settle: () => void;
}

export function openAttemptScope(input: { signal: AbortSignal; deadline?: DeadlineLink | undefined; channel: Channel; upstreamRequest: UpstreamRequest; capture: AttemptCapture | undefined; onSettled: () => void }): AttemptScope {
  const attempt = linkAbort(input.signal);
  const timer = watchAttempt(input.channel, attempt, input.deadline);
  const capture = input.capture === undefined ? undefined : startExchangeCapture(input.upstreamRequest, input.capture);
  return { attempt, timer, capture, settle: settleOnce(attempt, timer, capture, input.onSettled) };
}

/**
 * The scope's `settle`, made apart from `openAttemptScope` so that a committed stream, which keeps
 * it to its end, keeps only what it frees (not the attempt's whole input: request, upstream body).
 */
function settleOnce(attempt: LinkedAbort, timer: AttemptTimer, capture: AttemptScope['capture'], onSettled: () => void): () => void {
  let settled = false;
  return () => {
    if (settled) return;
    settled = true;
    timer.stop();
    attempt.dispose();
    capture?.finish();
    onSettled();
  };
}

/**
 * Runs an attempt's read of its upstream. The attempt is settled when the read ends, unless it
 * returns a committed stream, which settles it when the stream ends; an abort of the attempt (a
 * watchdog) or of the request says why better than the socket error it caused.
 */
export async function settleUnlessStreamed<Outcome extends { kind: string }>(attempt: { readonly signal: AbortSignal }, settle: () => void, read: () => Promise<Outcome>): Promise<Outcome> {
  let outcome: Outcome | undefined;
  try {
    outcome = await read();
    return outcome;
  } catch (error) {
    throw attemptFailure(attempt, error);
  } finally {
    if (outcome?.kind !== 'stream') settle();
  }
}

/** What an attempt failed with: its own abort's reason (a watchdog, the request's end) before the socket error that caused. */
function attemptFailure(attempt: { readonly signal: AbortSignal }, error: unknown): unknown {
  return attempt.signal.aborted && attempt.signal.reason instanceof GatewayError ? attempt.signal.reason : error;
}

/**
 * The callbacks a committed stream keeps to its end are made here (and the estimate by
 * adapt/estimate-usage.ts `estimatorOf`, from the prompt's text only), not in `runAttempt`: a closure
 * made there would keep `runAttempt`'s whole context (the attempt's input: the upstream request and
 * its body, the plan, the provider) as long as the stream is held.
 */
function progressOf(timer: AttemptTimer): () => void {
  return () => {
    timer.chunkArrived();
  };
}

/**
 * One attempt, settled as settleUnlessStreamed settles one, in one async function: the read of the
 * upstream written inline rather than as a callback of settleUnlessStreamed, which cost each attempt a
 * closure, a second suspended function, its promise and a turn of the microtask queue
 * (docs/benchmarks.md "Round nineteen").
 */
export async function runAttempt(input: AttemptInput): Promise<RelayOutcome> {
  const { request, channel, provider, plan, record } = input;
  const { attempt, timer, capture, settle } = openAttemptScope(input);
  let outcome: RelayOutcome | undefined;
  try {
    const response = await openUpstream(provider, input.upstreamRequest, {
      channel: channel.name,
      signal: attempt.signal,
      timeouts: channel.timeouts,
      limits: channel.limits,
      stream: plan.upstreamStream,
      send: input.send,
      deadlineHeld: true,
      watchdog: timer,
      whole: !plan.upstreamStream,
      ...(capture === undefined ? {} : { observe: capture.observe }),
    });
    // `created` for dialects whose answers carry no creation time: when the answer arrived.
    const parseContext = { channel: channel.name, receivedAt: Math.floor(Date.now() / 1000) };
    // Only a client's stream has a client stream path: a non-stream answer keeps no prompt text for an estimate.
    const pathOptions = (): ClientStreamOptions => ({
      clientModel: request.model,
      clientWantsUsage: plan.clientWantsUsage,
      channel: channel.name,
      record,
      estimate: estimatorOf(request),
      encoder: request.stream === true ? input.createEncoder?.() : undefined,
    });
    if (!plan.upstreamStream) {
      // A JSON body: its silences are timed from here, each piece the upstream client reads kicking the timer.
      timer.answerFollows();
      const whole = readJsonBodyNow(response, channel.name);
      const completion = provider.parseChatResponse(whole === undefined ? await readJsonBody(response, channel.name) : whole.json, parseContext);
      if (request.stream !== true) return (outcome = { kind: 'completion', completion: finishCompletion(completion, request, record) });
      const stream = replayStream(new ClientStreamPath(pathOptions()), replayAsStream(completion, { includeUsage: true }), channel.name, settle);
      return (outcome = { kind: 'stream', stream });
    }
    timer.headersArrived();
    const parser = provider.createChatStreamParser(parseContext);
    const onProgress = progressOf(timer);
    if (request.stream !== true) return (outcome = { kind: 'completion', completion: finishCompletion(await collectStream(response.body, parser, onProgress, channel.name), request, record) });
    const stream = await pumpToCommit(response.body, new ClientStreamPath(pathOptions(), parser), onProgress, channel.name, settle);
    return (outcome = { kind: 'stream', stream });
  } catch (error) {
    throw attemptFailure(attempt, error);
  } finally {
    if (outcome?.kind !== 'stream') settle();
  }
}
