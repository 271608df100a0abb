// The shared state of several instances (docs/scale-out.md §E): the Redis client, its up/down flag
// and what uses it (rpm/tpm admission, `max_concurrency` leases with their one heartbeat, balance holds, refused keys
// and health verdicts on a second, subscribing connection), opened at start and closed at shutdown. Start-up
// waits at most the connect timeout: an instance whose Redis is down starts anyway, on its share.
import { randomUUID } from 'node:crypto';
import { RateLimits } from '../routing/rate-limits.ts';
import type { RedisClientPolicy } from './open-redis.ts';
import { BalanceHolds, defaultHoldLifeMs } from './balance-holds.ts';
import { LeasedSlots } from './leased-slots.ts';
import { SharedRateLimits } from './shared-rate-limits.ts';
import { SharedStateStatus, type StatusEvents } from './shared-state-status.ts';
import { SharedAnswers } from './shared-answers.ts';
import { SharedVerdicts, type VerdictListener } from './shared-verdicts.ts';

/** The Redis client's bounds, and how long decisions stay local after a failure. */
export type SharedStatePolicy = RedisClientPolicy & { retryAfterFailureMs: number };

export interface SharedStateSettings {
  url: string;
  keyPrefix: string;
  fallbackInstances: number;
  /** Instances live now (the instance registry); undefined or answering undefined: `fallbackInstances`. */
  liveInstances?: (() => number | undefined) | undefined;
  /** Life of a concurrency lease without a heartbeat; the heartbeat runs every third of it. */
  leaseMs: number;
  /** How often a request waiting for a leased slot asks again. */
  leasePollMs: number;
  /** How long a balance hold (a quota reservation) lives unsettled: longer than any request runs; defaultHoldLifeMs when absent. */
  holdLifeMs?: number | undefined;
  policy: SharedStatePolicy;
}

export interface SharedState extends AsyncDisposable {
  status: SharedStateStatus;
  rateLimits: SharedRateLimits;
  /** Channel `max_concurrency`, shared by every instance. */
  channelSlots: LeasedSlots;
  /** Per-key `max_concurrency`, shared by every instance. */
  keySlots: LeasedSlots;
  /** Reserve-then-settle holds on balances (a key's token quota). */
  balances: BalanceHolds;
  /** Refused upstream keys and health-check verdicts, shared by every instance. */
  verdicts: SharedVerdicts;
  /** The exact response cache's entries (docs/caching.md "Redis"). */
  answers: SharedAnswers;
  /** Delivers the other instances' verdicts (and, at each (re)connect, the refused keys recorded). */
  followVerdicts(listener: VerdictListener): void;
}

export interface SharedStateEvents extends StatusEvents {
  onSettleError(error: unknown): void;
  /** A lease release or heartbeat Redis did not take (the lease then expires by itself). */
  onLeaseError?(error: unknown): void;
  /** A verdict publish, load or subscription Redis did not take. */
  onVerdictError?(error: unknown): void;
}

export async function openSharedState(settings: SharedStateSettings, events: SharedStateEvents, now: () => number = Date.now): Promise<SharedState> {
  const status = new SharedStateStatus(events, now, settings.policy.retryAfterFailureMs);
  // Loaded only here: @redis/client (with @opentelemetry/api) is ~5 MB of heap an instance without
  // `shared_state` never uses (idle RSS, issue 13; docs/benchmarks.md "Memory, round three").
  const { createRedisClient, withBytesReplies } = await import('./open-redis.ts');
  const client = createRedisClient(settings.url, settings.policy);
  client.on('ready', () => { status.connected(); });
  // Every failure also arrives as an 'error' event; without a listener it would end the process.
  client.on('error', (error: unknown) => { status.disconnected(error instanceof Error ? error.message : String(error)); });
  client.on('end', () => { status.disconnected('the connection was closed'); });
  const connecting = client.connect().then(() => undefined, () => undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([connecting, new Promise((resolve) => { timer = setTimeout(resolve, settings.policy.connectTimeoutMs); })]);
  clearTimeout(timer);
  if (!client.isReady) status.disconnected(`no connection within ${String(settings.policy.connectTimeoutMs)} ms`);
  const rateLimits = new SharedRateLimits({
    client,
    status,
    local: new RateLimits(now),
    keyPrefix: settings.keyPrefix,
    fallbackInstances: settings.fallbackInstances,
    liveInstances: settings.liveInstances,
    commandTimeoutMs: settings.policy.commandTimeoutMs,
    onSettleError: (error) => { events.onSettleError(error); },
  });
  const slotsOf = (kind: string) => new LeasedSlots({
    client,
    status,
    keyOf: (name) => `${settings.keyPrefix}slots:${kind}:{${name}}`,
    fallbackInstances: settings.fallbackInstances,
    liveInstances: settings.liveInstances,
    commandTimeoutMs: settings.policy.commandTimeoutMs,
    leaseMs: settings.leaseMs,
    pollMs: settings.leasePollMs,
    onLeaseError: (error) => { events.onLeaseError?.(error); },
  });
  const channelSlots = slotsOf('channel');
  const keySlots = slotsOf('key');
  // One timer for every lease of this instance, not one per request.
  const heartbeat = setInterval(() => {
    void Promise.all([channelSlots.refresh(), keySlots.refresh()]);
  }, Math.max(1, Math.floor(settings.leaseMs / 3)));
  heartbeat.unref();
  const balances = new BalanceHolds({ client, status, keyPrefix: settings.keyPrefix, holdLifeMs: settings.holdLifeMs ?? defaultHoldLifeMs, commandTimeoutMs: settings.policy.commandTimeoutMs });
  const onVerdictError = (error: unknown): void => { events.onVerdictError?.(error); };
  const verdicts = new SharedVerdicts({ client, status, keyPrefix: settings.keyPrefix, instance: randomUUID(), commandTimeoutMs: settings.policy.commandTimeoutMs, onError: onVerdictError });
  // Subscribing takes a connection of its own; the client subscribes again by itself after a reconnect.
  const subscriber = client.duplicate();
  subscriber.on('error', onVerdictError);
  let subscribed = false;
  const followVerdicts = (listener: VerdictListener): void => {
    subscriber.on('ready', () => {
      void verdicts.loadRefusals(listener).catch(onVerdictError);
      if (subscribed) return;
      subscribed = true;
      subscriber.subscribe(verdicts.channelName, (message) => { verdicts.receive(message, listener); }).catch((error: unknown) => {
        subscribed = false;
        onVerdictError(error);
      });
    });
    subscriber.connect().catch(onVerdictError);
  };
  return {
    status,
    rateLimits,
    channelSlots,
    keySlots,
    balances,
    verdicts,
    answers: new SharedAnswers({ client, bytesClient: withBytesReplies(client), status, keyPrefix: settings.keyPrefix, commandTimeoutMs: settings.policy.commandTimeoutMs }),
    followVerdicts,
    async [Symbol.asyncDispose]() {
      clearInterval(heartbeat);
      subscriber.removeAllListeners('error');
      subscriber.on('error', () => undefined);
      if (subscriber.isReady) await subscriber.close().catch(() => { subscriber.destroy(); });
      else if (subscriber.isOpen) subscriber.destroy();
      // Closing on purpose is no transition to report.
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      if (client.isReady) await client.close().catch(() => { client.destroy(); });
      else if (client.isOpen) client.destroy();
    },
  };
}
