// The shared state of several instances (docs/scale-out.md §E): the Redis client, its up/down flag
// and what uses it (rpm/tpm admission so far), opened at start and closed at shutdown. Start-up
// waits at most the connect timeout: an instance whose Redis is down starts anyway, on its share.
import { RateLimits } from '../routing/rate-limits.ts';
import { createRedisClient, type RedisClientPolicy } from './open-redis.ts';
import { SharedRateLimits } from './shared-rate-limits.ts';
import { SharedStateStatus, type StatusEvents } from './shared-state-status.ts';

export interface SharedStateSettings {
  url: string;
  keyPrefix: string;
  fallbackInstances: number;
  /** Instances live now (the instance registry); undefined or answering undefined: `fallbackInstances`. */
  liveInstances?: (() => number | undefined) | undefined;
  policy: RedisClientPolicy & { retryAfterFailureMs: number };
}

export interface SharedState extends AsyncDisposable {
  status: SharedStateStatus;
  rateLimits: SharedRateLimits;
}

export interface SharedStateEvents extends StatusEvents {
  onSettleError(error: unknown): void;
}

export async function openSharedState(settings: SharedStateSettings, events: SharedStateEvents, now: () => number = Date.now): Promise<SharedState> {
  const status = new SharedStateStatus(events, now, settings.policy.retryAfterFailureMs);
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
  return {
    status,
    rateLimits,
    async [Symbol.asyncDispose]() {
      // Closing on purpose is no transition to report.
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      if (client.isReady) await client.close().catch(() => { client.destroy(); });
      else if (client.isOpen) client.destroy();
    },
  };
}
