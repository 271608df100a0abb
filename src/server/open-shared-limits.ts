// Shared rpm/tpm limits when `redis` is configured (shared-state/), with the start-up rules of
// docs/deploy.md "Redis: shared limits": redis with a SQLite store is refused; a PostgreSQL store
// without redis starts with a warning that limits are per instance; every up/down transition of
// Redis is logged once and shown by `sluice_shared_state_up`. While Redis is down each instance
// admits `limit / live instances` from the instance registry (instance-registry.ts).
import type { Logger } from 'pino';
import { maskRedisUrl, redisNeedsPostgres, type SluiceConfig } from '../config/index.ts';
import { defaultLeasePollMs, defaultQuotaLedgerPolicy, defaultRedisClientPolicy } from '../config/defaults.ts';
import type { SharedStateMetrics } from '../metrics/shared-state-metrics.ts';
import { openSharedState, type SharedState } from '../shared-state/open-shared-state.ts';
import { parseStoreUrl } from '../store/index.ts';
import type { InstanceRegistry } from './instance-registry.ts';
import type { SharedStatePolicy } from '../shared-state/open-shared-state.ts';

/** Throws before anything is opened when the config cannot share state. */
export function checkSharedStateStore(config: SluiceConfig, logger: Logger): void {
  const kind = parseStoreUrl(config.store).kind;
  if (config.redis !== undefined && kind === 'sqlite') throw new Error(`redis ${redisNeedsPostgres}`);
  if (config.redis === undefined && kind === 'postgres') {
    logger.warn('the store is PostgreSQL and no redis is configured: rpm/tpm limits and concurrency are counted per instance, so N instances on this database admit up to N times each limit; set redis: (or SLUICE_REDIS_URL) to share them (docs/deploy.md)');
  }
}

function describeShare(fallbackInstances: number, registry: InstanceRegistry | undefined): string {
  const fallback = fallbackInstances === 1
    ? 'the full limit on this instance (redis_fallback_instances is 1: with N instances set it to N, or keys get up to N times their limits while Redis is down)'
    : `1/${String(fallbackInstances)} of each limit on this instance (redis_fallback_instances)`;
  if (registry === undefined) return fallback;
  const live = registry.liveCount();
  return `1/${live === undefined ? 'N' : String(live)} of each limit, N the live instances in the instance registry (when it cannot be read: ${fallback})`;
}

/** A quota hold outlives any request: the longest `timeouts.total_ms` and a grace (docs/deploy.md "Quotas across instances"). */
export function holdLifeOf(config: SluiceConfig): number {
  return Math.max(config.timeouts.totalMs, ...config.channels.map((channel) => channel.timeouts.totalMs)) + defaultQuotaLedgerPolicy.quotaHoldGraceMs;
}

export async function openSharedLimits(
  config: SluiceConfig,
  logger: Logger,
  metrics: SharedStateMetrics | undefined,
  registry?: InstanceRegistry,
  policyOverride?: SharedStatePolicy,
): Promise<SharedState | undefined> {
  const redis = config.redis;
  if (redis === undefined) return undefined;
  const policy = policyOverride ?? { ...defaultRedisClientPolicy, commandTimeoutMs: redis.commandTimeoutMs };
  const shown = maskRedisUrl(redis.url);
  const share = (): string => describeShare(redis.fallbackInstances, registry);
  const sharedState = await openSharedState(
    { url: redis.url, keyPrefix: redis.keyPrefix, fallbackInstances: redis.fallbackInstances, liveInstances: registry?.liveCount, leaseMs: redis.leaseMs, leasePollMs: defaultLeasePollMs, holdLifeMs: holdLifeOf(config), policy },
    {
      onTransition(up, reason) {
        metrics?.up(up);
        if (up) logger.info({ redis: shown }, `shared state up (${shown}): rpm/tpm are shared by every instance again`);
        else logger.warn({ redis: shown, reason }, `shared state down (${shown}: ${reason}): rpm/tpm now admit ${share()}, and token quotas are held by a conditional UPDATE in the store, until Redis answers again`);
      },
      onDegraded(what) {
        metrics?.degraded(what);
      },
      onSettleError(error) {
        logger.debug({ err: error }, 'a tpm charge or refund did not reach Redis');
      },
      onVerdictError(error) {
        logger.debug({ err: error }, 'a refused key or health verdict did not reach Redis: each instance keeps its own meanwhile');
      },
      onLeaseError(error) {
        logger.debug({ err: error }, 'a concurrency lease release or heartbeat did not reach Redis: the lease expires by itself');
      },
    },
  );
  logger.info({ redis: shown, key_prefix: redis.keyPrefix, fallback_instances: redis.fallbackInstances }, `rpm/tpm limits, max_concurrency and token quotas are shared through Redis (${shown}, leases of ${String(redis.leaseMs)} ms); while it is down each instance admits ${share()}, quotas by the store`);
  return sharedState;
}
