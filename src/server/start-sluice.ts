// Builds a running Sluice from a resolved config: relay dependencies, the HTTP app, the listener.
import { pino, type Logger } from 'pino';
import type { SluiceConfig } from '../config/index.ts';
import { Metrics } from '../metrics/create-metrics.ts';
import { findProvider } from '../providers/registry.ts';
import { scheduleHealthChecks } from '../relay/check-health.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import { CircuitBreakers } from '../routing/circuit-breaker.ts';
import { ConcurrencyGate } from '../routing/concurrency-gate.ts';
import { KeyRing } from '../routing/key-ring.ts';
import { LearnedCapabilities } from '../relay/learned-capabilities.ts';
import { sendUpstream } from '../upstream/send.ts';
import { buildApp, type SluiceApp } from './build-app.ts';
import { checkListenAddress } from './check-listen.ts';
import { loadLiveChannels } from './live-channels.ts';
import { openServices, type Services } from './open-services.ts';

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
}

/** Open streams get this long to finish once a shutdown starts. */
const defaultShutdownMs = 30_000;

export interface RunningSluice {
  url: string;
  app: SluiceApp;
  services: Services;
  /** Stops accepting, lets open streams finish (up to the shutdown deadline), flushes the log, closes the store. */
  close(): Promise<void>;
}

/** Each part of a debug capture (a body, a transcript) keeps at most this many bytes. */
const defaultCaptureCapBytes = 256 * 1024;

/** Every secret the config holds, so a capture can mask it wherever it shows up. */
function collectSecrets(config: SluiceConfig): string[] {
  const secrets = [...config.channels.flatMap((channel) => channel.apiKeys), ...config.keys.map((key) => key.key)];
  if (config.adminKey !== undefined) secrets.push(config.adminKey);
  if (config.metricsKey !== undefined) secrets.push(config.metricsKey);
  return secrets;
}

function createLearned(logger: Logger): LearnedCapabilities {
  const learned = new LearnedCapabilities(() => Date.now());
  learned.onLearn((entry) => {
    logger.info({ channel: entry.channel, model: entry.model, hints: entry.hints, evidence: entry.evidence }, `learned a capability of ${entry.channel}/${entry.model}`);
  });
  return learned;
}

export function createRelayDependencies(config: SluiceConfig, logger: Logger, metrics: Metrics): RelayDependencies {
  const nowMs = (): number => performance.now();
  return {
    channels: config.channels,
    fallbacks: config.fallbacks,
    totalMs: config.timeouts.totalMs,
    findProvider,
    send: sendUpstream,
    keys: new KeyRing(() => Date.now()),
    breakers: new CircuitBreakers(nowMs, (transition) => {
      const [channel, model] = transition.key.split('\u0000');
      logger.warn({ channel, model, from: transition.from, to: transition.to, failures: transition.failures }, `circuit ${channel}/${model} ${transition.to}`);
      metrics.observeBreaker(channel ?? '', model ?? '', transition.to);
    }),
    learned: createLearned(logger),
    slots: new ConcurrencyGate(),
    random: Math.random,
    nowMs,
    secrets: collectSecrets(config),
    captureCapBytes: defaultCaptureCapBytes,
  };
}

/**
 * JSON lines to stdout, buffered (4 KiB) so a log line per request is not a write syscall per
 * request; main.ts flushes it at shutdown.
 */
export function createLogger(config: SluiceConfig): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? config.logLevel, base: null }, pino.destination({ dest: 1, sync: false, minLength: 4096 }));
}

export async function startSluice(config: SluiceConfig, options: StartOptions = {}): Promise<RunningSluice> {
  const host = options.host ?? config.listen.host;
  const port = options.port ?? config.listen.port;
  const logger = options.logger ?? createLogger(config);
  const metrics = new Metrics({ processMetrics: true });
  const relay = createRelayDependencies(config, logger, metrics);
  const services = await openServices(options.store === undefined ? config : { ...config, store: options.store }, relay, logger);
  const refusal = checkListenAddress(host, services.keyAccess.startedKeyless ? 0 : 1);
  if (refusal !== undefined) {
    await services.close();
    throw new Error(refusal);
  }
  // Channels created through the admin API take traffic from the start, like the file's.
  const channels = await loadLiveChannels(config, relay, services.store.channels, logger).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  const app = buildApp({
    logger,
    channels: config.channels,
    findProvider,
    relay,
    services,
    metrics,
    debug: options.debug ?? process.env.SLUICE_DEBUG === '1',
    bodyLimitBytes: config.limits.bodyBytes,
    keepaliveMs: config.sse.keepaliveMs,
    metricsKey: config.metricsKey,
    server: config.server,
    admin: { adminKey: config.adminKey, channels, configKeyNames: new Set(config.keys.map((key) => key.name)) },
  });
  const healthChecks = scheduleHealthChecks(relay, (verdict) => {
    if (verdict.ok) logger.debug(verdict, `health check ${verdict.channel}/${verdict.model} ok`);
    else logger.warn(verdict, `health check ${verdict.channel}/${verdict.model} failed`);
  });
  app.addHook('onClose', async () => {
    healthChecks.stop();
    await services.close();
  });
  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const shutdownMs = options.shutdownMs ?? defaultShutdownMs;
  // Stop accepting at once; let requests in flight finish up to the deadline, then cut them; the
  // onClose hook then flushes the request log and closes the store.
  const close = async (): Promise<void> => {
    const cut = setTimeout(() => {
      app.server.closeAllConnections();
    }, shutdownMs);
    cut.unref();
    try {
      await app.close();
    } finally {
      clearTimeout(cut);
    }
  };
  return { url: `http://${urlHost}:${boundPort}`, app, services, close };
}
