// The stateful parts behind the HTTP edge: the store, client keys synced from config, what was
// learned before (restored), the batched request-log writer, per-key limits — opened at start and
// closed in order at shutdown (log flushed before the store closes).
import type { Logger } from 'pino';
import { loadTokenizer } from '../adapt/count-tokens.ts';
import type { SluiceConfig } from '../config/index.ts';
import { fromStoredCapabilities, toStoredCapabilities } from '../relay/learned-capabilities.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import { defaultKeyQueueMs, defaultQuotaLedgerPolicy } from '../config/defaults.ts';
import { ConcurrencyGate } from '../routing/concurrency-gate.ts';
import { RateLimits } from '../routing/rate-limits.ts';
import type { StoreMetrics } from '../metrics/store-metrics.ts';
import { createLogWriter, defaultLogWriterPolicy, hashKey, isStoreUnavailableError, logThreadBatchRows, openStore, parseStoreUrl, startLogRetention, startLogThread, type LogWriter, type RequestLogRow, type SecretSealer, type Store } from '../store/index.ts';
import { createAdmissionControl, type AdmissionControl } from './account-request.ts';
import { createStoreBudgetLedger } from './budget-ledger.ts';
import { createPricing, type Pricing } from '../relay/price-request.ts';
import { createStoreQuota, type KeyQuota } from './key-quota.ts';
import { createSharedQuota } from './shared-quota.ts';
import { createKeyAccess, type KeyAccess, type KeyCachePolicy } from './authenticate.ts';
import { RefusalRowLimiter } from './limit-refusal-rows.ts';
import { StoreHealth } from './store-health.ts';
import type { SharedStateMetrics } from '../metrics/shared-state-metrics.ts';
import type { SharedStateStatus } from '../shared-state/shared-state-status.ts';
import { checkSharedStateStore, openSharedLimits } from './open-shared-limits.ts';
import { startInstanceRegistry, type InstanceRegistry, type InstanceRegistryPolicy } from './instance-registry.ts';
import type { SharedStatePolicy } from '../shared-state/open-shared-state.ts';
import type { HealthOwnership } from '../relay/check-health.ts';
import { shareVerdicts } from './share-verdicts.ts';
import type { SharedBytes } from '../relay/answer-cache.ts';

export interface Services {
  store: Store;
  keyAccess: KeyAccess;
  logWriter: LogWriter<RequestLogRow>;
  admission: AdmissionControl;
  /** Prices requests from their usage, and quotes them for budgets (docs/cost.md). */
  pricing: Pricing;
  /** Whether the store takes writes (/readyz). */
  storeHealth: StoreHealth;
  /** Which refusals before authentication are logged and stored (per client address). */
  refusalRows: RefusalRowLimiter;
  /** Redis up or down (/readyz); undefined without `redis`. */
  sharedState: SharedStateStatus | undefined;
  /** PostgreSQL: the instances sharing the store (/readyz, the admin API, the share while Redis is down); SQLite: undefined. */
  instances: InstanceRegistry | undefined;
  /** Token quotas: in the store, or held in Redis with the ledger in PostgreSQL (key-quota.ts). */
  quota: KeyQuota;
  /** Redis: which instance runs each channel's health check; undefined: this one runs them all. */
  healthOwnership: HealthOwnership | undefined;
  /** Redis: the response cache's shared entries (docs/caching.md "Redis"); undefined without `redis`. */
  sharedAnswers: SharedBytes | undefined;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Counters of rows lost; none in one-off commands. */
  metrics?: StoreMetrics | undefined;
  /** Open the store read-only (tests of a store that refuses writes; see StoreOptions). */
  storeReadOnly?: boolean | undefined;
  /** Seals API channels' secrets at rest; without one they are stored as given. */
  sealer?: SecretSealer | undefined;
  /** Bounds of the key-lookup cache; defaultKeyCachePolicy when absent. */
  keyCachePolicy?: KeyCachePolicy | undefined;
  /** Redis up/down and decisions taken without it. */
  sharedStateMetrics?: SharedStateMetrics | undefined;
  /** Heartbeat and live window of the instance registry; defaultInstanceRegistryPolicy when absent. */
  instanceRegistryPolicy?: InstanceRegistryPolicy | undefined;
  /** Redis: the client's bounds; defaultRedisClientPolicy when absent. */
  redisClientPolicy?: SharedStatePolicy | undefined;
  /** The wall clock key budgets cut their days and months by; Date.now when absent (tests move it). */
  clock?: (() => number) | undefined;
}

type WriteRows = (rows: RequestLogRow[]) => Promise<void>;

/**
 * Where log batches go: a SQLite file's rows through the request-log thread (its own connection, off
 * the event loop); PostgreSQL's through the pool, and `:memory:` (tests) through the store itself,
 * since another connection would open another, empty database.
 */
function openLogSink(storeUrl: string, store: Store, readOnly: boolean): LogSink {
  const location = parseStoreUrl(storeUrl);
  if (location.kind !== 'sqlite' || location.path === ':memory:') {
    return { write: (rows) => store.requestLogs.append(rows), close: () => Promise.resolve(), batchSize: defaultLogWriterPolicy.batchSize };
  }
  const thread = startLogThread({ path: location.path, readOnly, findFileChange: () => store.findFileChange() });
  return { write: (rows) => thread.write(rows), close: () => thread.close(), batchSize: logThreadBatchRows };
}

interface LogSink {
  write: WriteRows;
  close: () => Promise<void>;
  /** Rows per batch: the log thread's own (start-log-thread.ts), the writer's default for a pool. */
  batchSize: number;
}

/** The log writer's losses, logged with the store's own error and counted. */
function createRequestLogWriter(sink: LogSink, logger: Logger, health: StoreHealth, metrics: StoreMetrics | undefined): LogWriter<RequestLogRow> {
  return createLogWriter<RequestLogRow>(sink.write, {
    batchSize: sink.batchSize,
    onError: (error: unknown, lostRows: number) => {
      metrics?.rowsDropped('store_error', lostRows);
      if (isStoreUnavailableError(error)) health.reportFailure(error);
      const said = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, rows: lostRows }, `could not write ${String(lostRows)} request log rows: ${said}`);
    },
    onDrop: (reason) => {
      metrics?.rowsDropped(reason, 1);
    },
  });
}

function createRefusalRowLimiter(logger: Logger, metrics: StoreMetrics | undefined): RefusalRowLimiter {
  return new RefusalRowLimiter({
    onLimitReached: (address, policy) => {
      logger.warn(
        { client_ip: address, limit: policy.rowsPerWindow, window_ms: policy.windowMs },
        `${address} was refused ${String(policy.rowsPerWindow)} times before authentication within ${String(policy.windowMs / 1000)} s: its further refusals in this window are counted (sluice_refusal_rows_suppressed_total), not logged or stored`,
      );
    },
    onSuppressed: () => {
      metrics?.refusalSuppressed();
    },
  });
}

/** Config keys are the operator's: stored (by hash) so one lookup path serves config and API keys. */
async function syncConfigKeys(store: Store, config: SluiceConfig): Promise<void> {
  for (const key of config.keys) {
    const existing = await store.keys.findByHash(hashKey(key.key));
    const changes = { models: key.models, rpm: key.rpm ?? null, tpm: key.tpm ?? null, maxConcurrency: key.maxConcurrency ?? null, queueMs: key.queueMs ?? null, budget: key.budget ?? null, cache: key.cache ?? null };
    if (existing !== undefined) {
      await store.keys.update(existing.id, { ...changes, name: key.name });
      continue;
    }
    // A key whose value changed in the file replaces the stored one of the same name.
    const sameName = (await store.keys.list()).find((record) => record.name === key.name);
    if (sameName !== undefined) await store.keys.delete(sameName.id);
    await store.keys.create({ name: key.name, key: key.key, models: key.models, rpm: key.rpm, tpm: key.tpm, maxConcurrency: key.maxConcurrency, queueMs: key.queueMs, budget: key.budget, cache: key.cache });
  }
}

export async function openServices(config: SluiceConfig, relay: RelayDependencies, logger: Logger, options: ServiceOptions = {}): Promise<Services> {
  checkSharedStateStore(config, logger);
  const store = await openStore(config.store, {
    sealer: options.sealer,
    onBackgroundError: (error) => {
      logger.error({ err: error }, 'store error');
    },
    ...(options.storeReadOnly === true ? { readOnly: true } : {}),
  });
  await syncConfigKeys(store, config);
  // Every request of a key with a tpm limit or a quota counts its prompt: with such keys, load the
  // tokenizer before traffic rather than on the first such request (adapt/count-tokens.ts).
  if ((await store.keys.list()).some((key) => key.tpm !== undefined || key.remainingTokens !== undefined || key.budget !== undefined)) loadTokenizer();
  relay.learned.load(fromStoredCapabilities(await store.capabilities.list(), Number.MAX_SAFE_INTEGER));
  relay.learned.onLearn((entry) => {
    for (const row of toStoredCapabilities(entry)) {
      store.capabilities.upsert(row).catch((error: unknown) => { logger.error({ err: error }, 'could not store a learned capability'); });
    }
  });
  const storeHealth = new StoreHealth(store, logger, { metrics: options.metrics });
  const logSink = openLogSink(config.store, store, options.storeReadOnly === true);
  const logWriter = createRequestLogWriter(logSink, logger, storeHealth, options.metrics);
  const keyAccess = await createKeyAccess(store.keys, Date.now, options.keyCachePolicy);
  const retention = startLogRetention(store.requestLogs, config.retention, {
    ledger: store.quotaLedger,
    onError: (error: unknown) => { logger.error({ err: error }, 'could not prune the request log'); },
  });
  const instances = store.instances === undefined ? undefined : await startInstanceRegistry(store.instances, logger, options.instanceRegistryPolicy);
  const shared = await openSharedLimits(config, logger, options.sharedStateMetrics, instances, options.redisClientPolicy);
  // Channel max_concurrency counted across every instance (leases in Redis) when there is a Redis.
  if (shared !== undefined) relay.slots = shared.channelSlots;
  const onSettleError = (error: unknown): void => { logger.error({ err: error }, 'could not settle a key\'s token quota'); };
  const quota = shared === undefined ? createStoreQuota(store.keys, onSettleError) : createSharedQuota({
    holds: shared.balances,
    keys: store.keys,
    ledger: store.quotaLedger,
    policy: defaultQuotaLedgerPolicy,
    onDegraded: () => { shared.status.degraded('quota'); },
    onSettleError,
    onChargesLost: (error, charges) => { logger.error({ err: error, charges }, `could not write ${String(charges)} quota charges to the ledger: remaining_tokens misses them (the request log rows still have their tokens)`); },
  });
  const healthOwnership = shared === undefined ? undefined : shareVerdicts(shared, relay, logger);
  return {
    store,
    keyAccess,
    logWriter,
    admission: createAdmissionControl({
      rateLimits: shared?.rateLimits ?? new RateLimits(() => Date.now()),
      keySlots: shared?.keySlots ?? new ConcurrencyGate(),
      quota,
      budgets: createStoreBudgetLedger(store.keys, options.clock ?? Date.now),
      now: options.clock ?? Date.now,
      defaultQueueMs: defaultKeyQueueMs,
      defaultCompletionTokens: config.limits.defaultCompletionTokensEstimate,
      onSettleError: (error) => { logger.error({ err: error }, 'could not settle a key\'s budget'); },
    }),
    pricing: createPricing(config.prices, relay),
    storeHealth,
    refusalRows: createRefusalRowLimiter(logger, options.metrics),
    sharedState: shared?.status,
    instances,
    quota,
    healthOwnership,
    sharedAnswers: shared?.answers,
    async close() {
      // The ledger's waiting charges reach the store before anything closes.
      await quota.close();
      await instances?.close();
      await shared?.[Symbol.asyncDispose]();
      await retention.stop();
      await logWriter.close();
      await logSink.close();
      await store.close();
    },
  };
}
