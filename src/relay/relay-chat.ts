// The attempt loop (one loop, one commit point): walk the plan; on each channel try, and on failure
// decide — adapt and retry at once, back off and retry, fail over, or give up — from the error
// alone. Every try is recorded for the log row and the x-sluice-* headers.
import { planUpstreamMode } from '../adapt/plan-upstream-mode.ts';
import { recognizeRejection } from '../adapt/recognize-rejection.ts';
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import type { RetryPolicy } from '../core/channel.ts';
import type { Channel } from '../core/channel.ts';
import type { ChatRequest } from '../core/chat.ts';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import { linkAbort, sleep } from '../lib/abort.ts';
import type { Provider } from '../providers/types.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import type { KeyRing } from '../routing/key-ring.ts';
import { backoffDelayMs } from './backoff.ts';
import { classifyFailure, countsAgainstChannel } from './classify-failure.ts';
import { keyRecheckMs, learnableStatuses, learnedRecheckMs, maxAdaptationsPerChannel } from './failure-policy.ts';
import { describeLearning, learnFromRejection } from './learn-from-rejection.ts';
import type { LearnedCapabilities } from './learned-capabilities.ts';
import { prepareUpstreamRequest, type SendUpstream } from './open-upstream.ts';
import { planAttempts, type Candidate } from './plan-attempts.ts';
import type { AttemptRecord, RequestRecord } from './request-record.ts';
import { runAttempt, type AttemptCapture, type RelayOutcome } from './run-attempt.ts';

export type { RelayOutcome } from './run-attempt.ts';

export interface RelayDependencies {
  channels: readonly Channel[];
  fallbacks: Readonly<Record<string, readonly string[]>>;
  /** Total time for one request, all tries and the whole stream included. */
  totalMs: number;
  findProvider: (type: string) => Provider | undefined;
  send: SendUpstream;
  keys: KeyRing;
  breakers: CircuitBreakers;
  learned: LearnedCapabilities;
  random: () => number;
  nowMs: () => number;
  /** Every configured secret, masked wherever a capture might hold it. */
  secrets: readonly string[];
  captureCapBytes: number;
}

export interface RelayContext {
  signal: AbortSignal;
  record: RequestRecord;
  /** Capture every exchange of this request (SLUICE_DEBUG=1 or the key's switch). */
  captureAll: boolean;
}

interface Failure {
  channel: string;
  error: GatewayError;
}

function providerFor(dependencies: RelayDependencies, channel: Channel): Provider {
  const provider = dependencies.findProvider(channel.type);
  if (provider === undefined) throw new GatewayError('internal_error', `channel ${channel.name} has unknown type ${channel.type}`);
  return provider;
}

function omitFields(request: ChatRequest, fields: readonly string[]): ChatRequest {
  if (fields.length === 0) return request;
  const copy: ChatRequest = { ...request };
  for (const field of fields) Reflect.deleteProperty(copy, field);
  return copy;
}

/** One error that names each channel's failure (TensorZero's pattern; STYLE.md 7). */
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

export async function relayChat(request: ChatRequest, context: RelayContext, dependencies: RelayDependencies): Promise<RelayOutcome> {
  const candidates = planAttempts(dependencies.channels, dependencies.fallbacks, request.model, dependencies.random);
  if (candidates.length === 0) {
    throw new GatewayError('model_not_found', `The model '${request.model}' does not exist or is not served by this gateway.`, { param: 'model' });
  }
  const deadline = startDeadline(context.signal, dependencies.totalMs);
  const endsAt = dependencies.nowMs() + dependencies.totalMs;
  const failures: Failure[] = [];
  let handedOver = false;
  try {
    for (const [index, candidate] of candidates.entries()) {
      const outcome = await tryCandidate(candidate, index < candidates.length - 1);
      if (outcome !== undefined) {
        handedOver = outcome.kind === 'stream';
        return outcome;
      }
    }
    throw aggregateError(failures, request.model);
  } finally {
    if (!handedOver) deadline.end();
  }

  async function tryCandidate(candidate: Candidate, hasAlternative: boolean): Promise<RelayOutcome | undefined> {
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
        failures.push({ channel: channel.name, error: new GatewayError('upstream_auth_failed', `${channel.name} has no usable key: ${key.problems.map((problem) => problem.reason).join('; ')}`, { upstream: { channel: channel.name } }) });
        return undefined;
      }
      const capabilities = resolveCapabilities(upstreamModel, [channel.capabilities, dependencies.learned.hintsFor(channel.name)], provider.defaultCapabilities);
      const plan = planUpstreamMode({ clientStream: request.stream === true, clientWantsUsage: request.stream_options?.include_usage === true, capabilities, preferStream: channel.preferStream });
      const clientRequest = candidate.clientModel === request.model ? request : { ...request, model: candidate.clientModel };
      const target = { channel, upstreamModel, apiKey: key.key, stream: plan.upstreamStream, streamOptions: plan.sendStreamOptions };
      const upstreamRequest = prepareUpstreamRequest(provider, omitFields(clientRequest, capabilities.dropFields), target);
      const attempt: AttemptRecord = { channel: channel.name, upstreamModel, upstreamStream: plan.upstreamStream, status: undefined, errorCode: undefined, durationMs: 0 };
      context.record.attempts.push(attempt);
      tries += 1;
      const started = dependencies.nowMs();
      try {
        const outcome = await runAttempt({
          request: clientRequest, channel, provider, plan, upstreamRequest, signal: deadline.signal, record: context.record,
          send: dependencies.send, onSettled: deadline.end, capture: captureFor(channel),
        });
        attempt.status = 200;
        dependencies.breakers.recordSuccess(circuit);
        Object.assign(context.record, { channel: channel.name, upstreamModel, upstreamStream: plan.upstreamStream, answeredModel: candidate.clientModel });
        if (plan.adaptation !== undefined) context.record.adaptations.push(plan.adaptation);
        if (request.stream === true && plan.clientWantsUsage && !plan.sendStreamOptions) context.record.adaptations.push('usage-counted-locally');
        if (outcome.kind === 'stream') context.record.firstTokenMs = dependencies.nowMs() - started;
        return outcome;
      } catch (caught) {
        const error = asGatewayError(caught);
        Object.assign(attempt, { errorCode: error.code, status: error.upstream?.status });
        if (deadline.signal.aborted) {
          dependencies.breakers.release(circuit);
          throw error;
        }
        const status = error.upstream?.status;
        const rejection = status !== undefined && learnableStatuses.has(status) ? recognizeRejection(error.message) : undefined;
        const learning = rejection === undefined ? undefined : learnFromRejection(rejection, { body: upstreamRequest.body, upstreamStream: plan.upstreamStream });
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

  /** A channel's `debug: true` or the request's switch turns capture on; the record keeps it. */
  function captureFor(channel: Channel): AttemptCapture | undefined {
    if (!context.captureAll && !channel.debug) return undefined;
    context.record.capture ??= { clientRequest: '', clientResponse: '', attempts: [] };
    return { exchanges: context.record.capture.attempts, secrets: dependencies.secrets, capBytes: dependencies.captureCapBytes };
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
