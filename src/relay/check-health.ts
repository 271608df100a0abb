// Active health checks: a one-token request to each checked model, in the mode the model supports
// (a stream-only model is checked with a stream — unlike gateways whose non-stream checks keep such
// channels disabled forever). The verdict feeds the circuit breaker, so a channel that recovers is
// taken back without waiting for client traffic to probe it.
import { planUpstreamMode } from '../adapt/plan-upstream-mode.ts';
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import type { Channel } from '../core/channel.ts';
import type { ChatRequest } from '../core/chat.ts';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import { maskSecrets } from './capture.ts';
import { prepareUpstreamRequest } from './open-upstream.ts';
import type { RelayDependencies } from './relay-dependencies.ts';
import { createRequestRecord } from './request-record.ts';
import { runAttempt } from './run-attempt.ts';

export interface HealthVerdict {
  channel: string;
  model: string;
  ok: boolean;
  upstreamStream: boolean;
  durationMs: number;
  error: string | undefined;
}

export async function checkHealth(channel: Channel, model: string, dependencies: RelayDependencies, signal: AbortSignal): Promise<HealthVerdict> {
  const provider = dependencies.findProvider(channel.type);
  if (provider === undefined) throw new GatewayError('internal_error', `channel ${channel.name} has unknown type ${channel.type}`);
  const capabilities = resolveCapabilities(model, [channel.capabilities, dependencies.learned.hintsFor(channel.name)], provider.defaultCapabilities);
  const plan = planUpstreamMode({ clientStream: false, clientWantsUsage: false, capabilities, preferStream: false });
  const request: ChatRequest = { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 };
  const key = dependencies.keys.choose(channel.name, channel.apiKeys);
  const apiKey = key.kind === 'key' ? key.key : channel.apiKeys[0];
  const upstreamRequest = prepareUpstreamRequest(provider, request, { channel, upstreamModel: model, apiKey, stream: plan.upstreamStream, streamOptions: false });
  const record = createRequestRecord('health-check', model, false);
  const started = dependencies.nowMs();
  const circuit = CircuitBreakers.keyOf(channel.name, model);
  try {
    await runAttempt({ request, channel, provider, plan, upstreamRequest, signal, record, send: dependencies.send, onSettled: () => undefined, capture: undefined });
    dependencies.breakers.recordSuccess(circuit, channel.breaker);
    return { channel: channel.name, model, ok: true, upstreamStream: plan.upstreamStream, durationMs: dependencies.nowMs() - started, error: undefined };
  } catch (error) {
    // A refusal of the ping itself (400) says nothing about the channel's health.
    if (isGatewayError(error) && error.retryable) dependencies.breakers.recordFailure(circuit, channel.breaker);
    const message = maskSecrets(error instanceof Error ? error.message : String(error), dependencies.secrets);
    return { channel: channel.name, model, ok: false, upstreamStream: plan.upstreamStream, durationMs: dependencies.nowMs() - started, error: message };
  }
}

/** Runs every channel's checks on its interval until `stop` is called. */
export function scheduleHealthChecks(dependencies: RelayDependencies, onVerdict: (verdict: HealthVerdict) => void): { stop: () => void } {
  const controller = new AbortController();
  const timers = dependencies.channels.snapshot().channels.flatMap((started) => {
    const check = started.healthCheck;
    if (check === undefined) return [];
    const timer = setInterval(() => {
      // The channel as it is now: one changed or deleted through the admin API since start is
      // checked as it stands, or not at all.
      const channel = dependencies.channels.snapshot().channels.find((candidate) => candidate.name === started.name);
      if (channel === undefined) return;
      for (const model of channel.healthCheck?.models ?? []) {
        checkHealth(channel, model, dependencies, controller.signal).then(onVerdict, () => undefined);
      }
    }, check.intervalMs);
    timer.unref();
    return [timer];
  });
  return {
    stop: () => {
      for (const timer of timers) clearInterval(timer);
      controller.abort(new GatewayError('client_closed', 'Sluice is shutting down.'));
    },
  };
}
