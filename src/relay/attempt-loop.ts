// The attempt loop (one loop, one commit point): walk the plan; on each channel try, and on failure
// decide — adapt and retry at once, back off and retry, fail over, or give up — from the error
// alone. Every try is recorded for the log row and the x-sluice-* headers. What one try does (a
// chat call, an embeddings call) is the caller's; the loop knows only tries and their failures.
import { recognizeRejection } from '../adapt/recognize-rejection.ts';
import type { Channel, RetryPolicy } from '../core/channel.ts';
import type { JsonObject } from '../core/chat.ts';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import { linkAbort, sleep } from '../lib/abort.ts';
import type { Provider } from '../providers/types.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import { backoffDelayMs } from './backoff.ts';
import { classifyFailure, countsAgainstChannel } from './classify-failure.ts';
import { keyRecheckMs, learnableStatuses, learnedRecheckMs, maxAdaptationsPerChannel } from './failure-policy.ts';
import { describeLearning, learnFromRejection } from './learn-from-rejection.ts';
import { maskErrorSecrets } from './mask-error-secrets.ts';
import type { Candidate } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';
import type { AttemptRecord } from './request-record.ts';

/** One try, as the caller prepared it for a channel and key. */
export interface PreparedTry<T> {
  /** The body sent, and whether the call streams: what learning needs to know. */
  body: JsonObject;
  upstreamStream: boolean;
  /** `onSettled` runs when the outcome is over (for a stream: when it ends). */
  run(signal: AbortSignal, onSettled: () => void): Promise<T>;
  /** Record keeping once the try worked. */
  succeeded(outcome: T, startedMs: number): void;
  /** True when the outcome is still flowing (a stream), so the deadline must keep running. */
  keepsRunning(outcome: T): boolean;
}

export interface LoopInput<T> {
  model: string;
  candidates: readonly Candidate[];
  context: RelayContext;
  dependencies: RelayDependencies;
  prepare(candidate: Candidate, provider: Provider, apiKey: string | undefined): PreparedTry<T>;
}

interface Failure {
  channel: string;
  error: GatewayError;
}

export function providerFor(dependencies: RelayDependencies, channel: Channel): Provider {
  const provider = dependencies.findProvider(channel.type);
  if (provider === undefined) throw new GatewayError('internal_error', `channel ${channel.name} has unknown type ${channel.type}`);
  return provider;
}

/** One error that names each channel's failure (TensorZero's pattern; docs/style.md 7). */
function aggregateError(failures: Failure[], model: string): GatewayError {
  const last = failures.at(-1);
  if (last === undefined) {
    return new GatewayError('no_channel_available', `No channel for '${model}' is usable right now: every circuit is open or every key was refused.`);
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

/** A request-wide deadline on top of the client's signal. */
function startDeadline(signal: AbortSignal, totalMs: number) {
  const request = linkAbort(signal);
  const timer = setTimeout(() => {
    request.abort(new GatewayError('upstream_timeout', `The request took longer than the total limit of ${totalMs} ms`));
  }, totalMs);
  timer.unref();
  return {
    signal: request.signal,
    end: () => {
      clearTimeout(timer);
      request.dispose();
    },
  };
}

export async function runAttemptLoop<T>(input: LoopInput<T>): Promise<T> {
  const { candidates, context, dependencies } = input;
  const deadline = startDeadline(context.signal, dependencies.totalMs);
  const endsAt = dependencies.nowMs() + dependencies.totalMs;
  const failures: Failure[] = [];
  let handedOver = false;
  try {
    for (const [index, candidate] of candidates.entries()) {
      const outcome = await tryCandidate(candidate, index < candidates.length - 1);
      if (outcome !== undefined) {
        handedOver = outcome.keepsRunning;
        return outcome.value;
      }
    }
    throw aggregateError(failures, input.model);
  } finally {
    if (!handedOver) deadline.end();
  }

  async function tryCandidate(candidate: Candidate, hasAlternative: boolean): Promise<{ value: T; keepsRunning: boolean } | undefined> {
    const { channel, upstreamModel } = candidate;
    const provider = providerFor(dependencies, channel);
    const circuit = CircuitBreakers.keyOf(channel.name, upstreamModel);
    let tries = 0;
    let adaptations = 0;
    for (;;) {
      if (!dependencies.breakers.tryPass(circuit, channel.breaker)) return undefined;
      const key = dependencies.keys.choose(channel.name, channel.apiKeys);
      if (key.kind === 'exhausted') {
        dependencies.breakers.release(circuit);
        const reasons = key.problems.map((problem) => problem.reason).join('; ');
        failures.push({ channel: channel.name, error: new GatewayError('upstream_auth_failed', `${channel.name} has no usable key: ${reasons}`, { upstream: { channel: channel.name } }) });
        return undefined;
      }
      const slot = await takeSlot(channel, hasAlternative).catch((error: unknown) => {
        // The deadline passed while waiting in line: give back a half-open probe this try held.
        dependencies.breakers.release(circuit);
        throw error;
      });
      if (!slot) {
        dependencies.breakers.release(circuit);
        failures.push({ channel: channel.name, error: new GatewayError('no_channel_available', `${channel.name} is at its max_concurrency of ${String(channel.maxConcurrency)}`, { upstream: { channel: channel.name } }) });
        return undefined;
      }
      let prepared: PreparedTry<T>;
      try {
        prepared = input.prepare(candidate, provider, key.key);
      } catch (error) {
        // The request cannot be put in this dialect (e.g. an image URL a dialect takes only inline): nothing was sent.
        dependencies.slots.leave(channel.name);
        dependencies.breakers.release(circuit);
        throw error;
      }
      const attempt: AttemptRecord = { channel: channel.name, upstreamModel, upstreamStream: prepared.upstreamStream, status: undefined, errorCode: undefined, durationMs: 0 };
      context.record.attempts.push(attempt);
      tries += 1;
      const started = dependencies.nowMs();
      // Runs once per try when its outcome is over: frees the slot; a stream handed to the client
      // also ends the request's deadline then (a failed try must not end it).
      let handedOver = false;
      const onSettled = (): void => {
        dependencies.slots.leave(channel.name);
        if (handedOver) deadline.end();
      };
      try {
        const value = await prepared.run(deadline.signal, onSettled);
        attempt.status = 200;
        dependencies.breakers.recordSuccess(circuit);
        Object.assign(context.record, { channel: channel.name, upstreamModel, upstreamStream: prepared.upstreamStream, answeredModel: candidate.clientModel });
        prepared.succeeded(value, started);
        handedOver = prepared.keepsRunning(value);
        return { value, keepsRunning: handedOver };
      } catch (caught) {
        const error = maskErrorSecrets(asGatewayError(caught), dependencies.secrets);
        Object.assign(attempt, { errorCode: error.code, status: error.upstream?.status });
        if (deadline.signal.aborted) {
          dependencies.breakers.release(circuit);
          throw error;
        }
        const status = error.upstream?.status;
        const rejection = status !== undefined && learnableStatuses.has(status) ? recognizeRejection(error.message) : undefined;
        const learning = rejection === undefined ? undefined : learnFromRejection(rejection, { body: prepared.body, upstreamStream: prepared.upstreamStream });
        const canAdapt = learning !== undefined && adaptations < maxAdaptationsPerChannel;
        const decision = classifyFailure(error, { canAdapt, triesOnChannel: tries, retry: channel.retry, hasAlternative });
        if (decision === 'adapt-and-retry' && learning !== undefined) {
          // No backoff and no breaker count: the upstream said what it wants; the next call gives it.
          dependencies.breakers.release(circuit);
          dependencies.learned.learn(channel.name, upstreamModel, learning, error.message, learnedRecheckMs);
          context.record.adaptations.push(describeLearning(learning));
          adaptations += 1;
          tries -= 1;
          continue;
        }
        if (countsAgainstChannel(error)) dependencies.breakers.recordFailure(circuit, channel.breaker);
        else dependencies.breakers.release(circuit);
        if (error.code === 'upstream_auth_failed' && key.key !== undefined) dependencies.keys.setAside(channel.name, key.key, error.message, keyRecheckMs);
        if (decision === 'give-up') throw error;
        if (decision === 'retry-same' && (await waitBeforeRetry(tries, channel.retry, error))) continue;
        failures.push({ channel: channel.name, error });
        return undefined;
      } finally {
        attempt.durationMs = dependencies.nowMs() - started;
      }
    }
  }

  /**
   * A slot under the channel's max_concurrency: at once, or — when no other channel can take the
   * request — after waiting in line (bounded by the deadline). False: busy, go elsewhere.
   */
  async function takeSlot(channel: Channel, hasAlternative: boolean): Promise<boolean> {
    if (dependencies.slots.tryEnter(channel.name, channel.maxConcurrency)) return true;
    if (hasAlternative) return false;
    await dependencies.slots.enter(channel.name, channel.maxConcurrency, deadline.signal);
    return true;
  }

  /** Sleeps the backoff; false when waiting is not worth it (too long, or past the deadline). */
  async function waitBeforeRetry(tries: number, retry: RetryPolicy, error: GatewayError): Promise<boolean> {
    const delay = backoffDelayMs(tries, retry, { random: dependencies.random, retryAfterSeconds: error.retryAfterSeconds, remainingMs: endsAt - dependencies.nowMs() });
    if (delay === undefined) return false;
    context.record.waitMs += delay;
    await sleep(delay, deadline.signal);
    return true;
  }
}
