// Builds a running Sluice from a resolved config: relay dependencies, the HTTP app, the listener.
import { setMaxListeners } from 'node:events';
import { pino, type Logger } from 'pino';
import type { SluiceConfig } from '../config/index.ts';
import type { Channel } from '../core/channel.ts';
import { GatewayError } from '../core/errors.ts';
import { Metrics } from '../metrics/create-metrics.ts';
import { PropagationMetrics } from '../metrics/propagation-metrics.ts';
import { SharedStateMetrics } from '../metrics/shared-state-metrics.ts';
import { countLostLogLines } from '../metrics/log-output-metrics.ts';
import { StoreMetrics } from '../metrics/store-metrics.ts';
import { findProvider } from '../providers/registry.ts';
import { scheduleHealthChecks } from '../relay/check-health.ts';
import { ChannelRegistry } from '../routing/channel-registry.ts';
import { ChannelStats } from '../routing/channel-stats.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import { ConcurrencyGate } from '../routing/concurrency-gate.ts';
import { KeyRing } from '../routing/key-ring.ts';
import { listHeaderSecrets } from '../relay/capture.ts';
import { LearnedCapabilities } from '../relay/learned-capabilities.ts';
import { createChannelLabeler, createModelLabeler } from '../relay/label-model.ts';
import { UpstreamClient } from '../upstream/upstream-client.ts';
import type { AdminFailurePolicy } from './admin/admin-failures.ts';
import type { KeyCachePolicy } from './authenticate.ts';
import { buildApp, type SluiceApp } from './build-app.ts';
import { describeStartup } from './describe-startup.ts';
import { isConsoleBuilt } from './serve-console.ts';
import { checkListenAddress } from './check-listen.ts';
import { openResponseCache } from './open-response-cache.ts';
import { loadLiveChannels, type LiveRelayDependencies } from './live-channels.ts';
import type { InstanceRegistryPolicy } from './instance-registry.ts';
import { createChangeTargets, defaultPropagationPolicy, followStoreChanges, type PropagationPolicy, type StoreChangeFollower } from './follow-store-changes.ts';
import { countKeysSetAside, openAlerts, type AlertOptions, type Alerts } from './open-alerts.ts';
import { AlertMetrics } from '../metrics/alert-metrics.ts';
import { openServices, type Services } from './open-services.ts';
import { createSealer } from './read-secret-key.ts';
import { LineBatch } from './batch-log-lines.ts';
import { defaultLogOutputPolicy, LogOutput } from './log-output.ts';
import { LogLoss, maxPendingLogBytes } from './log-loss.ts';
import type { SharedStatePolicy } from '../shared-state/open-shared-state.ts';

export interface StartOptions {
  port?: number;
  host?: string;
  logger?: Logger;
  /** Capture every exchange; defaults to SLUICE_DEBUG=1. */
  debug?: boolean;
  /** A store URL instead of the config's (tests use `sqlite::memory:`). */
  store?: string;
  /** How long open streams may run on after a shutdown starts before they are cut. */
  shutdownMs?: number;
  /** Open the store read-only, so that every write fails (tests: as root, chmod stops no write). */
  storeReadOnly?: boolean;
  /** How wrong admin keys are slowed; defaultAdminFailurePolicy when absent (tests that send many on purpose raise it). */
  adminFailurePolicy?: AdminFailurePolicy;
  /** Tests: the alert engine's clock and re-check interval. */
  alertOptions?: AlertOptions;
  /** Bounds of the key-lookup cache; defaultKeyCachePolicy when absent (a test floods a small one). */
  keyCachePolicy?: KeyCachePolicy;
  /** Where SLUICE_SECRET_KEY is read; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** PostgreSQL: how changes from other instances arrive; defaultPropagationPolicy when absent (tests shorten or switch off parts). */
  propagationPolicy?: PropagationPolicy;
  /** PostgreSQL: the instance registry's heartbeat and live window; defaultInstanceRegistryPolicy when absent (tests shorten them). */
  instanceRegistryPolicy?: InstanceRegistryPolicy;
  /** Redis: the client's bounds (round-trip bound, reconnects); defaultRedisClientPolicy when absent (exactness tests on a loaded machine widen the round trip). */
  redisClientPolicy?: SharedStatePolicy;
  /** The wall clock key budgets cut their UTC days and months by (docs/cost.md); Date.now when absent (tests move it). */
  clock?: () => number;
  /** Runs once everything is open and the routes are ready, just before the server listens (the start command compacts the heap then). */
  beforeListen?: () => void;
}

/** Open streams get this long to finish once a shutdown starts. */
const defaultShutdownMs = 30_000;

/**
 * After the deadline, streams end with an error event and `[DONE]` at once; a connection still
 * open this long after that (a client that stopped reading) is cut.
 */
const cutAfterDeadlineMs = 2_000;

/**
 * While closing, keep-alive connections whose last answer has ended are closed this often: Node
 * closes the idle ones once when the server closes, and a stream that ends later would otherwise
 * hold its connection open for the whole keep-alive timeout.
 */
const closeIdleEveryMs = 50;

export interface RunningSluice {
  url: string;
  app: SluiceApp;
  services: Services;
  /** PostgreSQL: the follower of other instances' changes; SQLite (one instance): undefined. */
  changes: StoreChangeFollower | undefined;
  /** The channels taking traffic now: the config's and those created through the admin API. */
  liveChannels(): readonly Channel[];
  /** Stops accepting, lets open streams finish (up to the shutdown deadline), flushes the log, closes the store. */
  close(): Promise<void>;
}

/** Each part of a debug capture (a body, a transcript) keeps at most this many bytes. */
const defaultCaptureCapBytes = 256 * 1024;

/** Every secret the config holds, so a capture can mask it wherever it shows up. */
function collectSecrets(config: SluiceConfig): string[] {
  const secrets = [
    ...config.channels.flatMap((channel) => [...channel.apiKeys, ...listHeaderSecrets(channel.headers)]),
    ...config.keys.map((key) => key.key),
  ];
  if (config.adminKey !== undefined) secrets.push(config.adminKey);
  if (config.metricsKey !== undefined) secrets.push(config.metricsKey);
  // Webhook URLs hold their service's token (docs/alerts.md); signing secrets are secrets.
  for (const rule of config.alerts.rules) for (const notify of rule.notify) secrets.push(notify.url, ...(notify.secret === undefined ? [] : [notify.secret]));
  return secrets;
}

function createLearned(logger: Logger): LearnedCapabilities {
  const learned = new LearnedCapabilities(() => Date.now());
  learned.onLearn((entry) => {
    logger.info({ channel: entry.channel, model: entry.model, hints: entry.hints, evidence: entry.evidence }, `learned a capability of ${entry.channel}/${entry.model}`);
  });
  return learned;
}

/** `upstream` is the caller's: it closes it when it is done (startSluice in the app's onClose). */
export function createRelayDependencies(config: SluiceConfig, logger: Logger, metrics: Metrics, upstream: UpstreamClient, alerts?: Alerts): LiveRelayDependencies {
  const nowMs = (): number => performance.now();
  // In flight as the relay's slot gate counts it now (open-services.ts may swap in Redis leases).
  const channelStats = new ChannelStats(config.routing, nowMs, (channel) => relay.slots.inFlight(channel));
  const relay: LiveRelayDependencies = {
    channels: new ChannelRegistry(config.channels),
    fallbacks: config.fallbacks,
    totalMs: config.timeouts.totalMs,
    findProvider,
    send: upstream.send,
    keys: new KeyRing(() => Date.now()),
    breakers: new CircuitBreakers(nowMs, (transition) => {
      const [channel, model] = transition.key.split('\u0000');
      if (transition.to === 'closed' && transition.from !== 'closed') channelStats.recordRecovery(channel ?? '');
      logger.warn({ channel, model, from: transition.from, to: transition.to, failures: transition.failures }, `circuit ${channel}/${model} ${transition.to}`);
      metrics.observeBreaker(channel ?? '', model ?? '', transition.to);
      alerts?.observeBreaker(channel ?? '', model ?? '', transition.to !== 'closed');
    }),
    learned: createLearned(logger),
    slots: new ConcurrencyGate(),
    channelStats,
    random: Math.random,
    nowMs,
    secrets: collectSecrets(config),
    captureCapBytes: defaultCaptureCapBytes,
  };
  return relay;
}

/** Each logger createLogger made, with the tally of what its destination dropped. */
const logLosses = new WeakMap<Logger, LogLoss>();

/** What `logger`'s output dropped, when createLogger made it; other loggers (tests', embedders') keep no tally. */
export function readLogLoss(logger: Logger): LogLoss | undefined {
  return logLosses.get(logger);
}

export interface LogOutputOptions {
  /** The file descriptor written; stdout unless a test gives its own. */
  fd?: number;
  /** The most bytes waiting for it (log-loss.ts). */
  maxPendingBytes?: number;
}

/**
 * JSON lines to stdout, gathered (16 KiB, or 200 ms after a piece's first line: batch-log-lines.ts) so
 * a log line per request is not a write syscall per request; log-output.ts writes each piece, at once
 * to a file and queued to a pipe or socket. writeStartupBanner flushes once after start-up, main.ts
 * again at shutdown. What waits for stdout is bounded and what cannot be written is counted
 * (log-loss.ts): a warning says how many lines were lost, and why, once stdout takes lines again.
 */
export function createLogger(config: Pick<SluiceConfig, 'logLevel'>, output: LogOutputOptions = {}): Logger {
  const loss = new LogLoss();
  const destination = new LogOutput(output.fd ?? 1, loss, { ...defaultLogOutputPolicy, maxPendingBytes: output.maxPendingBytes ?? maxPendingLogBytes });
  const logger = pino({ level: process.env.LOG_LEVEL ?? config.logLevel, base: null }, new LineBatch(destination));
  loss.onRecovered = (lines, reason) => {
    logger.warn({ lost_lines: lines }, `${String(lines)} log lines were dropped: ${reason} (sluice_log_lines_dropped_total)`);
  };
  logLosses.set(logger, loss);
  return logger;
}

/**
 * The start-up banner (describe-startup.ts), written at once: the buffered destination would
 * otherwise hold these lines until 16 KiB of request lines followed them, or until shutdown.
 */
export function writeStartupBanner(logger: Logger, sluice: RunningSluice, config: SluiceConfig): void {
  const lines = describeStartup({
    url: sluice.url,
    configFile: config.file,
    store: config.store,
    redis: config.redis?.url,
    channels: sluice.liveChannels(),
    adminEnabled: config.adminKey !== undefined,
    keyless: sluice.services.keyAccess.startedKeyless,
    consoleBuilt: isConsoleBuilt(),
  });
  for (const line of lines) logger[line.level](line.fields, line.message);
  logger.flush();
}

export async function startSluice(config: SluiceConfig, options: StartOptions = {}): Promise<RunningSluice> {
  const host = options.host ?? config.listen.host;
  const port = options.port ?? config.listen.port;
  const logger = options.logger ?? createLogger(config);
  // Labels from the live channel list (the relay's, replaced when the admin API changes a channel).
  const metrics = new Metrics({ processMetrics: true, labelModel: (model) => labelModel(model), labelChannel: (channel) => labelChannel(channel) });
  const upstream = new UpstreamClient();
  const alerts = openAlerts(config.alerts.rules, config.alerts.delivery, logger, options.alertOptions, new AlertMetrics(metrics.registry, config.alerts.rules.map((rule) => rule.name)));
  const sharedStateMetrics = config.redis === undefined ? undefined : new SharedStateMetrics(metrics.registry);
  const relay = createRelayDependencies(config, logger, metrics, upstream, alerts);
  const labelModel = createModelLabeler(relay);
  const labelChannel = createChannelLabeler(relay);
  const sealer = createSealer(config, options.env ?? process.env, logger);
  const storeMetrics = new StoreMetrics(metrics.registry);
  countLostLogLines(metrics.registry, () => readLogLoss(logger)?.lines ?? 0);
  const services = await openServices(options.store === undefined ? config : { ...config, store: options.store }, relay, logger, { metrics: storeMetrics, sharedStateMetrics, storeReadOnly: options.storeReadOnly, sealer, keyCachePolicy: options.keyCachePolicy, instanceRegistryPolicy: options.instanceRegistryPolicy, redisClientPolicy: options.redisClientPolicy, clock: options.clock }).catch(async (error: unknown) => {
    await upstream.close();
    throw error;
  });
  const closeOpened = async (): Promise<void> => {
    await services.close();
    await upstream.close();
  };
  const refusal = checkListenAddress(host, services.keyAccess.startedKeyless ? 0 : 1);
  if (refusal !== undefined) {
    await closeOpened();
    throw new Error(refusal);
  }
  // Channels created through the admin API take traffic from the start, like the file's.
  const channels = await loadLiveChannels(config, relay, services.store.channels, logger).catch(async (error: unknown) => {
    await closeOpened();
    throw error;
  });
  alerts.watch({ keysSetAside: () => countKeysSetAside(relay.keys.problems(), Date.now()), sharedStateUp: () => sharedStateMetrics?.isUp, listKeys: () => services.store.keys.list() });
  const feed = services.store.changes;
  const changes = feed === undefined
    ? undefined
    : followStoreChanges(
      feed,
      createChangeTargets({ channels, keyAccess: services.keyAccess, learned: relay.learned, capabilities: services.store.capabilities, quota: services.quota }),
      logger,
      options.propagationPolicy ?? { ...defaultPropagationPolicy, pollMs: config.configPollMs },
      new PropagationMetrics(metrics.registry),
    );
  const shutdown = new AbortController();
  // Every open request listens for the deadline (and stops when it is over): no listener cap.
  setMaxListeners(0, shutdown.signal);
  const responseCache = openResponseCache(config.cache, services.sharedAnswers, logger);
  const app = buildApp({
    logger,
    channels: config.channels,
    findProvider,
    relay,
    services,
    metrics,
    debug: options.debug ?? process.env.SLUICE_DEBUG === '1',
    bodyLimitBytes: config.limits.bodyBytes,
    uploadLimitBytes: config.limits.uploadBytes,
    keepaliveMs: config.sse.keepaliveMs,
    dropUnsupportedTools: config.dropUnsupportedTools,
    units: config.units,
    responseCache,
    shutdownSignal: shutdown.signal,
    metricsKey: config.metricsKey,
    server: config.server,
    admin: {
      adminKey: config.adminKey,
      channels,
      configKeyNames: new Set(config.keys.map((key) => key.name)),
      alerts,
      cache: { answers: responseCache, counts: () => metrics.cacheCounts(), since: Date.now() },
      ...(options.adminFailurePolicy === undefined ? {} : { failurePolicy: options.adminFailurePolicy }),
    },
  });
  const healthChecks = scheduleHealthChecks(relay, (verdict) => {
    if (verdict.ok) logger.debug(verdict, `health check ${verdict.channel}/${verdict.model} ok`);
    else logger.warn(verdict, `health check ${verdict.channel}/${verdict.model} failed`);
  }, services.healthOwnership);
  app.addHook('onClose', async () => {
    healthChecks.stop();
    await alerts.close();
    await changes?.close();
    await closeOpened();
  });
  if (options.beforeListen !== undefined) {
    await app.ready();
    options.beforeListen();
  }
  await app.listen({ host, port, backlog: config.server.listenBacklog });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const shutdownMs = options.shutdownMs ?? defaultShutdownMs;
  // Stop accepting at once; let requests in flight finish up to the deadline; then end each one
  // that is still running with `shutting_down` (a stream in-band, then [DONE]; its log row written);
  // the onClose hook then flushes the request log and closes the store and the upstream client.
  const close = async (): Promise<void> => {
    let cut: NodeJS.Timeout | undefined;
    const idleSweep = setInterval(() => {
      app.server.closeIdleConnections();
    }, closeIdleEveryMs);
    idleSweep.unref();
    const deadline = setTimeout(() => {
      shutdown.abort(new GatewayError('shutting_down', `Sluice is shutting down: the answer was not complete when the shutdown deadline of ${shutdownMs} ms passed.`));
      cut = setTimeout(() => {
        app.server.closeAllConnections();
      }, cutAfterDeadlineMs);
      cut.unref();
    }, shutdownMs);
    deadline.unref();
    try {
      await app.close();
    } finally {
      clearTimeout(deadline);
      clearTimeout(cut);
      clearInterval(idleSweep);
    }
  };
  return { url: `http://${urlHost}:${boundPort}`, app, services, changes, liveChannels: () => relay.channels.snapshot().channels, close };
}
