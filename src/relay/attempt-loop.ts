// The attempt loop (one loop, one commit point): walk the plan; on each channel try, and on failure
// decide — adapt and retry at once, back off and retry, fail over, or give up — from the error
// alone. Every try is recorded for the log row and the x-sluice-* headers. What one try does (a
// chat call, an embeddings call) is the caller's; the loop knows only tries and their failures.
// What a try holds (circuit pass, concurrency slot, upstream key) is a disposable (try-permit.ts).
import { recognizeRejection } from '../adapt/recognize-rejection.ts';
import type { CapabilityHints, Channel, RetryPolicy } from '../core/channel.ts';
import type { JsonObject } from '../core/chat.ts';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import { DeadlineLink, sleep } from '../lib/abort.ts';
import type { Provider } from '../providers/types.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import type { KeyProblem } from '../routing/key-ring.ts';
import { backoffDelayMs } from './backoff.ts';
import { blamesBody, classifyFailure, countsAgainstChannel, scopeKeyRefusal } from './classify-failure.ts';
import { keyRecheckMs, learnableStatuses, learnedRecheckMs, maxAdaptationsPerChannel } from './failure-policy.ts';
import { describeLearning, learnFromRejection } from './learn-from-rejection.ts';
import { maskErrorSecrets } from './mask-error-secrets.ts';
import type { Candidate } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';
import type { AttemptRecord } from './request-record.ts';
import { CircuitPass, TryPermit } from './try-permit.ts';
import { codeForUpstreamStatus } from './upstream-error.ts';

/** One try, as the caller prepared it for a channel and key. */
export interface PreparedTry<T> {
  /** The body sent, and whether the call streams: what learning needs to know. */
  body: JsonObject;
  upstreamStream: boolean;
  /**
   * `onSettled` runs when the outcome is over (for a stream: when it ends). `deadline` is the
   * request's: an attempt whose watchdog holds it too (`watched`) lets a handed-over stream keep
   * one timer, not two.
   */
  run(signal: AbortSignal, onSettled: () => void, deadline: DeadlineLink): Promise<T>;
  /** Record keeping once the try worked. */
  succeeded(outcome: T, startedMs: number): void;
  /** True when the outcome is still flowing (a stream), so the deadline must keep running. */
  keepsRunning(outcome: T): boolean;
  /** What this kind of try learns from a failure before the generic rules (the pass-through's own endpoint). */
  learnFrom?: (error: GatewayError) => CapabilityHints | undefined;
}

export interface LoopInput<T> {
  model: string;
  candidates: readonly Candidate[];
  context: RelayContext;
  dependencies: RelayDependencies;
  /** The try for a channel and key; a GatewayError: this channel cannot take the request, the next may. */
  prepare(candidate: Candidate, provider: Provider, apiKey: string | undefined): PreparedTry<T> | GatewayError;
}

interface Failure {
  channel: string;
  error: GatewayError;
}

/** A channel that failed on a body-shaped answer: counted against it unless another channel answers the same body alike. */
interface Suspect {
  channel: string;
  count: () => void;
}

type Outcome<T> = { value: T; keepsRunning: boolean } | undefined;

export function providerFor(dependencies: RelayDependencies, channel: Channel): Provider {
  const provider = dependencies.findProvider(channel.type);
  if (provider === undefined) throw new GatewayError('internal_error', `channel ${channel.name} has unknown type ${channel.type}`);
  return provider;
}

/** One error that names each channel's failure (TensorZero's pattern; docs/style.md 7). */
function aggregateError(failures: Failure[], model: string): GatewayError {
  const last = failures.at(-1);
  if (last === undefined) {
    return new GatewayError('no_channel_available', `No channel for '${model}' is usable right now: every key was refused.`);
  }
  if (failures.length === 1) return last.error;
  const summary = failures.map((failure) => `${failure.channel}: ${failure.error.message}`).join('; ');
  return new GatewayError(last.error.code, `All ${failures.length} tries failed. ${summary}`, {
    ...(last.error.upstream === undefined ? {} : { upstream: last.error.upstream }),
    ...(last.error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: last.error.retryAfterSeconds }),
  });
}

function asGatewayError(error: unknown): GatewayError {
  return isGatewayError(error) ? error : new GatewayError('internal_error', 'Sluice failed while relaying.', { cause: error });
}

/**
 * A request-wide deadline on top of the client's signal. Its timer is armed only for what no
 * watchdog ends in time (DeadlineLink.arm): a wait for a slot, a backoff, a try without a watchdog.
 */
class RequestDeadline extends DeadlineLink {
  readonly #totalMs: number;

  constructor(signal: AbortSignal, totalMs: number) {
    super(signal, totalMs);
    this.#totalMs = totalMs;
  }

  protected reason(): GatewayError {
    return new GatewayError('upstream_timeout', `The request took longer than the total limit of ${this.#totalMs} ms`);
  }
}

/**
 * Why a channel has no key for this call. Keys refused for this model answer as the upstream did
 * (a 404 "model not found" stays a 404 while the key is set aside for it); refused keys, a 502.
 */
function describeRefusedKeys(channel: string, problems: readonly KeyProblem[]): GatewayError {
  const reasons = problems.map((problem) => problem.reason).join('; ');
  const status = problems.every((problem) => problem.model !== undefined) ? problems[0]?.status : undefined;
  const code = status === undefined ? 'upstream_auth_failed' : codeForUpstreamStatus(status);
  return new GatewayError(code, `${channel} has no usable key for this model until it is re-checked: ${reasons}`, {
    ...(code === 'upstream_rejected' && status !== undefined ? { status } : {}),
    upstream: { channel, ...(status === undefined ? {} : { status }) },
  });
}

/** Envoy's panic routing: of the candidates refused by an open circuit, the one open the longest. */
function longestOpen(refused: readonly Candidate[], breakers: CircuitBreakers): Candidate | undefined {
  const since = (candidate: Candidate): number => breakers.openSince(CircuitBreakers.keyOf(candidate.channel.name, candidate.upstreamModel)) ?? Number.POSITIVE_INFINITY;
  return refused.reduce<Candidate | undefined>((best, candidate) => (best === undefined || since(candidate) < since(best) ? candidate : best), undefined);
}

interface TrySettlement {
  /** The try's outcome is a stream handed to the client: its end also ends the request's deadline. */
  streaming: boolean;
  readonly onSettled: () => void;
}

/**
 * Runs once per try when its outcome is over: frees the slot; a stream handed to the client also ends
 * the request's deadline then (a failed try must not end it). Made outside the loop so that a held
 * stream keeps the permit and the deadline, not the loop's whole scope.
 */
function settleTry(permit: TryPermit, deadline: DeadlineLink): TrySettlement {
  const settlement: TrySettlement = {
    streaming: false,
    onSettled: () => {
      permit.releaseSlot();
      if (settlement.streaming) deadline.dispose();
    },
  };
  return settlement;
}

export async function runAttemptLoop<T>(input: LoopInput<T>): Promise<T> {
  const { candidates, context, dependencies } = input;
  const deadline = new RequestDeadline(context.signal, dependencies.totalMs);
  const endsAt = dependencies.nowMs() + dependencies.totalMs;
  const failures: Failure[] = [];
  const suspects: Suspect[] = [];
  const refused: Candidate[] = [];
  /** Tries whose failure blamed the body: not the upstream's fault after all if the request turns out at fault. */
  const bodyBlamedAttempts: AttemptRecord[] = [];
  let handedOver = false;
  try {
    for (let index = 0; index < candidates.length; index += 1) {
      const outcome = await visit(candidates[index] as Candidate, index < candidates.length - 1, false);
      if (outcome !== undefined) {
        handedOver = outcome.keepsRunning;
        return outcome.value;
      }
    }
    // Never refuse only because every circuit is open: try the one open the longest (it may be fine).
    const panic = context.record.attempts.length === 0 ? longestOpen(refused, dependencies.breakers) : undefined;
    if (panic !== undefined) {
      context.record.adaptations.push(`panic:${panic.channel.name}`);
      const outcome = await visit(panic, false, true);
      if (outcome !== undefined) {
        handedOver = outcome.keepsRunning;
        return outcome.value;
      }
    }
    throw aggregateError(failures, input.model);
  } finally {
    // No copy made when nothing is held back (almost every request).
    if (suspects.length > 0) for (const suspect of suspects.splice(0)) suspect.count();
    if (!handedOver) deadline.dispose();
  }

  /**
   * One request's stay on one channel: tries until one works, or the channel is left. The circuit
   * pass and each try's permit are released in `finally` blocks, not by `using`: the build's target
   * (es2024) compiles `using` into helpers that made two environment objects with their stacks and
   * entries, and the closures of their disposal, a request (docs/benchmarks.md "Round nineteen").
   */
  async function visit(candidate: Candidate, hasAlternative: boolean, panic: boolean): Promise<Outcome<T>> {
    const { channel, upstreamModel } = candidate;
    const provider = providerFor(dependencies, channel);
    const pass = CircuitPass.take(dependencies.breakers, CircuitBreakers.keyOf(channel.name, upstreamModel), channel.breaker, panic);
    if (pass === undefined) {
      refused.push(candidate);
      return undefined;
    }
    try {
      const stay = { tries: 0, adaptations: 0 };
      for (;;) {
        const key = dependencies.keys.choose(channel.name, channel.apiKeys, upstreamModel);
        if (key.kind === 'exhausted') {
          failures.push({ channel: channel.name, error: describeRefusedKeys(channel.name, key.problems) });
          return undefined;
        }
        // The in-process gate answers at once: no await (a turn of the microtask queue) for a free slot.
        const entered = dependencies.slots.tryEnter(channel.name, channel.maxConcurrency);
        const permit = entered === true ? new TryPermit(dependencies.slots, channel.name, key.key) : await takePermit(entered, channel, key.key, hasAlternative);
        if (permit === undefined) {
          failures.push({ channel: channel.name, error: new GatewayError('no_channel_available', `${channel.name} is at its max_concurrency of ${String(channel.maxConcurrency)}`, { upstream: { channel: channel.name } }) });
          return undefined;
        }
        try {
          // May throw: the request cannot be put in this dialect (an image URL a dialect takes only inline); nothing was sent.
          const prepared = input.prepare(candidate, provider, permit.key);
          if (prepared instanceof GatewayError) {
            failures.push({ channel: channel.name, error: prepared });
            return undefined;
          }
          const attempt: AttemptRecord = { channel: channel.name, upstreamModel, upstreamStream: prepared.upstreamStream, status: undefined, errorCode: undefined, durationMs: 0, countsAgainstChannel: false };
          context.record.attempts.push(attempt);
          stay.tries += 1;
          const started = dependencies.nowMs();
          const settlement = settleTry(permit, deadline);
          let value: T;
          try {
            deadline.watched = false;
            const running = prepared.run(deadline.signal, settlement.onSettled, deadline);
            // A try whose watchdog holds the deadline (run-attempt.ts, before its first await) ends it
            // in time; any other try waits on the deadline's own timer.
            if (!deadline.watched) deadline.arm();
            value = await running;
          } catch (caught) {
            attempt.durationMs = dependencies.nowMs() - started;
            const error = maskErrorSecrets(asGatewayError(caught), dependencies.secrets);
            Object.assign(attempt, { errorCode: error.code, status: error.upstream?.status });
            if (deadline.signal.aborted) throw error;
            attempt.countsAgainstChannel = countsAgainstChannel(error);
            if (blamesBody(error)) bodyBlamedAttempts.push(attempt);
            // The balancer's score: load, timeouts, resets at once; an answer about the body only in judgeChannel's verdict.
            if (countsAgainstChannel(error) && !blamesBody(error)) dependencies.channelStats?.recordFailure(channel.name, attempt.durationMs);
            if (await recover(error, { candidate, prepared, pass, key: permit.key, hasAlternative, stay, attempt })) continue;
            return undefined;
          }
          attempt.durationMs = dependencies.nowMs() - started;
          attempt.status = 200;
          pass.succeed();
          // Until the commit point: a stream's first token, else the whole answer.
          dependencies.channelStats?.recordSuccess(channel.name, attempt.durationMs);
          const { record } = context;
          record.channel = channel.name;
          record.upstreamModel = upstreamModel;
          record.upstreamStream = prepared.upstreamStream;
          record.answeredModel = candidate.clientModel;
          prepared.succeeded(value, started);
          const streaming = prepared.keepsRunning(value);
          settlement.streaming = streaming;
          if (streaming) permit.handOver();
          // The attempt's watchdog ends the request at its deadline too: the loop's own timer goes.
          if (streaming && deadline.watched) deadline.handOver();
          return { value, keepsRunning: streaming };
        } finally {
          permit[Symbol.dispose]();
        }
      }
    } finally {
      pass[Symbol.dispose]();
    }
  }

  /**
   * After a failed try: true to try the channel again (adapted, or after a backoff); false when the
   * channel is left (its verdict given); throws when the request is over.
   */
  async function recover(
    error: GatewayError,
    at: { candidate: Candidate; prepared: PreparedTry<T>; pass: CircuitPass; key: string | undefined; hasAlternative: boolean; stay: { tries: number; adaptations: number }; attempt: AttemptRecord },
  ): Promise<boolean> {
    const { channel, upstreamModel } = at.candidate;
    const status = error.upstream?.status;
    const rejection = status !== undefined && learnableStatuses.has(status) ? recognizeRejection({ message: error.message, param: error.param }) : undefined;
    const learning = at.prepared.learnFrom?.(error) ?? (rejection === undefined ? undefined : learnFromRejection(rejection, { body: at.prepared.body, upstreamStream: at.prepared.upstreamStream }));
    const canAdapt = learning !== undefined && at.stay.adaptations < maxAdaptationsPerChannel;
    const keyScope = at.key === undefined ? undefined : scopeKeyRefusal(error);
    const decision = classifyFailure(error, { canAdapt, triesOnChannel: at.stay.tries, retry: channel.retry, hasAlternative: at.hasAlternative, keySetAside: keyScope !== undefined });
    if (decision === 'adapt-and-retry' && learning !== undefined) {
      // No backoff and no breaker count: the upstream said what it wants; the next call gives it.
      dependencies.learned.learn(channel.name, upstreamModel, learning, error.message, learnedRecheckMs);
      context.record.adaptations.push(describeLearning(learning));
      at.stay.adaptations += 1;
      at.stay.tries -= 1;
      at.attempt.countsAgainstChannel = false;
      return true;
    }
    if (keyScope !== undefined && at.key !== undefined) {
      dependencies.keys.setAside(channel.name, at.key, error.message, keyRecheckMs, { model: keyScope === 'model' ? upstreamModel : undefined, status });
    }
    if (decision === 'retry-same' && (await waitBeforeRetry(at.stay.tries, channel.retry, error))) return true;
    judgeChannel(error, channel, at.pass, keyScope === undefined);
    if (decision === 'give-up') throw error;
    failures.push({ channel: channel.name, error });
    return false;
  }

  /**
   * The verdict on a channel the request leaves failing. An answer about the body is held back
   * (suspect) until another channel answers the same body: then the body was at fault, the request
   * stops with that answer and no circuit counts either; otherwise it is counted at the end.
   */
  function judgeChannel(error: GatewayError, channel: Channel, pass: CircuitPass, aboutBody: boolean): void {
    if (!aboutBody || !blamesBody(error)) {
      if (countsAgainstChannel(error)) pass.fail();
      return;
    }
    const countFailure = (count: () => void) => (): void => {
      count();
      dependencies.channelStats?.recordFailure(channel.name, 0);
    };
    if (suspects.some((suspect) => suspect.channel !== channel.name)) {
      suspects.length = 0;
      for (const attempt of bodyBlamedAttempts) attempt.countsAgainstChannel = false;
      context.record.adaptations.push('request-fault');
      throw error;
    }
    if (countsAgainstChannel(error)) suspects.push({ channel: channel.name, count: countFailure(pass.defer()) });
  }

  /**
   * A permit for one try: a slot under the channel's max_concurrency — at once, or, when no other
   * channel can take the request, after waiting in line (bounded by the deadline; the wait is not
   * Sluice's overhead) — and the key. Undefined: busy, go elsewhere.
   */
  async function takePermit(entered: boolean | Promise<boolean>, channel: Channel, key: string | undefined, hasAlternative: boolean): Promise<TryPermit | undefined> {
    // Only leased slots answer later; the in-process gate keeps check-and-take synchronous.
    deadline.arm();
    if (!(entered instanceof Promise ? await entered : entered)) {
      if (hasAlternative) return undefined;
      const queued = dependencies.nowMs();
      try {
        await dependencies.slots.enter(channel.name, channel.maxConcurrency, deadline.signal);
      } finally {
        context.record.waitMs += dependencies.nowMs() - queued;
      }
    }
    return new TryPermit(dependencies.slots, channel.name, key);
  }

  /** Sleeps the backoff; false when waiting is not worth it (too long, or past the deadline). */
  async function waitBeforeRetry(tries: number, retry: RetryPolicy, error: GatewayError): Promise<boolean> {
    const delay = backoffDelayMs(tries, retry, { random: dependencies.random, retryAfterSeconds: error.retryAfterSeconds, remainingMs: endsAt - dependencies.nowMs() });
    if (delay === undefined) return false;
    deadline.arm();
    const slept = dependencies.nowMs();
    try {
      await sleep(delay, deadline.signal);
    } finally {
      context.record.waitMs += dependencies.nowMs() - slept;
    }
    return true;
  }
}
