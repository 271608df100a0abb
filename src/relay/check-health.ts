// Active health checks: a one-token request to each checked model, in the mode the model supports
// (a stream-only model is checked with a stream — unlike gateways whose non-stream checks keep such
// channels disabled forever). The verdict feeds the circuit breaker, so a channel that recovers is
// taken back without waiting for client traffic to probe it. With several instances (a Redis), one
// instance owns each channel's check (a lease it renews at each check) and every instance applies
// its verdict to its own breakers: up closes them, down keeps them open until the next check
// (docs/deploy.md "Shared verdicts"); the others send no pings. Alone, or while Redis is down, each
// instance checks for itself and the verdict counts in its breaker like a call.
import { defaultHealthOwnerIntervals } from '../config/defaults.ts';
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
  /** Whether the answer says anything about the channel's health (a refusal of the ping itself does not). */
  counts: boolean;
}

/** Who runs a channel's checks (shared-state/ behind it): `other` means another instance does. */
export interface HealthOwnership {
  claim(channel: string, leaseMs: number): Promise<'owner' | 'other' | 'local'>;
  /** Tells the other instances the owner's verdict. */
  share(verdict: { channel: string; model: string; up: boolean; holdMs: number }): void;
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
  try {
    await runAttempt({ request, channel, provider, plan, upstreamRequest, signal, record, send: dependencies.send, onSettled: () => undefined, capture: undefined });
    return { channel: channel.name, model, ok: true, upstreamStream: plan.upstreamStream, durationMs: dependencies.nowMs() - started, error: undefined, counts: true };
  } catch (error) {
    // A refusal of the ping itself (400) says nothing about the channel's health.
    const counts = isGatewayError(error) && error.retryable;
    const message = maskSecrets(error instanceof Error ? error.message : String(error), dependencies.secrets);
    return { channel: channel.name, model, ok: false, upstreamStream: plan.upstreamStream, durationMs: dependencies.nowMs() - started, error: message, counts };
  }
}

/** The verdict into this instance's breaker: counted like a call (alone), or taken as it is (the owner's, shared). */
export function applyHealthVerdict(verdict: HealthVerdict, channel: Channel, dependencies: RelayDependencies, shared: { holdMs: number } | undefined): void {
  if (!verdict.counts) return;
  const circuit = CircuitBreakers.keyOf(verdict.channel, verdict.model);
  if (shared !== undefined) dependencies.breakers.applyVerdict(circuit, verdict.ok, shared.holdMs);
  else if (verdict.ok) dependencies.breakers.recordSuccess(circuit, channel.breaker);
  else dependencies.breakers.recordFailure(circuit, channel.breaker);
}

/** How long an owner's lease, and its down verdict, last: a few check intervals (the next check renews both). */
export function ownerLeaseMsOf(intervalMs: number): number {
  return intervalMs * defaultHealthOwnerIntervals;
}

async function runChecks(channel: Channel, dependencies: RelayDependencies, ownership: HealthOwnership | undefined, onVerdict: (verdict: HealthVerdict) => void, signal: AbortSignal): Promise<void> {
  const intervalMs = channel.healthCheck?.intervalMs ?? 0;
  const holdMs = ownerLeaseMsOf(intervalMs);
  const role = ownership === undefined ? 'local' : await ownership.claim(channel.name, holdMs);
  if (role === 'other' || signal.aborted) return;
  for (const model of channel.healthCheck?.models ?? []) {
    checkHealth(channel, model, dependencies, signal).then((verdict) => {
      applyHealthVerdict(verdict, channel, dependencies, role === 'owner' ? { holdMs } : undefined);
      if (role === 'owner' && verdict.counts) ownership?.share({ channel: channel.name, model, up: verdict.ok, holdMs });
      onVerdict(verdict);
    }, () => undefined);
  }
}

/** Runs every channel's checks on its interval until `stop` is called; with `ownership`, only the channels this instance owns. */
export function scheduleHealthChecks(dependencies: RelayDependencies, onVerdict: (verdict: HealthVerdict) => void, ownership?: HealthOwnership): { stop: () => void } {
  const controller = new AbortController();
  const timers = dependencies.channels.snapshot().channels.flatMap((started) => {
    const check = started.healthCheck;
    if (check === undefined) return [];
    const timer = setInterval(() => {
      // The channel as it is now: one changed or deleted through the admin API since start is
      // checked as it stands, or not at all.
      const channel = dependencies.channels.snapshot().channels.find((candidate) => candidate.name === started.name);
      if (channel === undefined) return;
      void runChecks(channel, dependencies, ownership, onVerdict, controller.signal);
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
