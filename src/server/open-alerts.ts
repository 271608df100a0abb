// The alert rules wired to the running gateway (docs/alerts.md): every finished request's upstream
// attempts (with the breaker's verdict on each) and every breaker move go into the engine; a timer
// re-checks the alerts (so they resolve when traffic stops) and samples the levels rules watch —
// upstream keys set aside and the shared state each second, the client keys' quotas from the store
// less often. Each change is logged, counted and queued for the rule's webhooks, delivered off the
// request path. Closed with the app.
import type { Logger } from 'pino';
import { AlertEngine, type Level, type LevelKind } from '../alerts/alert-engine.ts';
import { AlertDelivery } from '../alerts/deliver-alerts.ts';
import type { AlertDeliveryPolicy, AlertEvent, AlertRule } from '../core/alert.ts';
import { defaultAlertCheckEveryMs, defaultAlertLatencyResolveRatio, defaultAlertMaxSubjectsPerRule, defaultAlertQuotaCheckEveryMs, defaultAlertResolveRatio } from '../config/defaults.ts';
import type { AlertMetrics } from '../metrics/alert-metrics.ts';
import type { AttemptRecord } from '../relay/request-record.ts';
import type { KeyRecord } from '../store/ports.ts';
import { postWebhook } from '../upstream/post-webhook.ts';
import { startOfBudgetPeriod } from './budget-ledger.ts';

/** Where the level rules read what they watch; given once the services are open. */
export interface AlertSources {
  /** Channel-wide upstream key set-asides standing now, by channel. */
  keysSetAside: () => ReadonlyMap<string, number>;
  /** The shared state's last reported state; undefined: no Redis, or not known yet. */
  sharedStateUp: () => boolean | undefined;
  /** The client keys with their balances. */
  listKeys: () => Promise<readonly KeyRecord[]>;
}

export interface Alerts {
  /** The attempts of one finished request for `model` (the model the client asked for). */
  observeAttempts: (attempts: readonly AttemptRecord[], model: string) => void;
  observeBreaker: (channel: string, model: string, open: boolean) => void;
  watch: (sources: AlertSources) => void;
  list: () => AlertEvent[];
  close: () => Promise<void>;
}

export interface AlertOptions {
  now?: () => number;
  checkEveryMs?: number;
  quotaCheckEveryMs?: number;
  maxSubjectsPerRule?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

/** Channel-wide set-asides (`model` undefined) still standing, counted per channel. */
export function countKeysSetAside(problems: ReadonlyArray<{ channel: string; model?: string; recheckAt: number }>, now: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const problem of problems) {
    if (problem.model === undefined && problem.recheckAt > now) counts.set(problem.channel, (counts.get(problem.channel) ?? 0) + 1);
  }
  return counts;
}

/** What is left of each usable key's token quota or USD budget (the smaller share), by key name. */
export function measureQuotaLeft(keys: readonly KeyRecord[], now: number): Map<string, Level> {
  const levels = new Map<string, Level>();
  for (const key of keys) {
    if (!key.enabled || (key.expiresAt !== undefined && key.expiresAt <= now)) continue;
    const shares: Level[] = [];
    if (key.quotaTokens !== undefined && key.quotaTokens > 0 && key.remainingTokens !== undefined) {
      shares.push({ value: key.remainingTokens / key.quotaTokens, detail: `token quota (${String(Math.max(0, key.remainingTokens))} of ${String(key.quotaTokens)})` });
    }
    if (key.budget !== undefined && key.budget.usd > 0) {
      const spent = key.budgetPeriodStart === startOfBudgetPeriod(key.budget.period, now) ? (key.budgetSpentUsd ?? 0) : 0;
      shares.push({ value: (key.budget.usd - spent) / key.budget.usd, detail: `${key.budget.period === 'day' ? 'daily' : 'monthly'} budget ($${Math.max(0, key.budget.usd - spent).toFixed(2)} of $${key.budget.usd.toFixed(2)})` });
    }
    const least = shares.sort((a, b) => a.value - b.value)[0];
    if (least !== undefined) levels.set(key.name, least);
  }
  return levels;
}

export function openAlerts(rules: readonly AlertRule[], delivery: AlertDeliveryPolicy, logger: Logger, options: AlertOptions = {}, metrics?: AlertMetrics): Alerts {
  const now = options.now ?? Date.now;
  const sender = new AlertDelivery(delivery, postWebhook, {
    now,
    sleep,
    onOutcome: (outcome) => {
      metrics?.notified(outcome.rule, outcome.delivered ? 'delivered' : 'failed');
      if (outcome.delivered) logger.info({ rule: outcome.rule, url: new URL(outcome.url).origin, tries: outcome.tries }, 'alert delivered');
      else logger.warn({ rule: outcome.rule, url: new URL(outcome.url).origin, tries: outcome.tries, error: outcome.error }, 'alert not delivered');
    },
    onDropped: (rule) => {
      metrics?.notified(rule, 'dropped');
      logger.warn({ rule }, 'alert message dropped: the delivery queue is full or closed');
    },
  });
  const policy = { resolveRatio: defaultAlertResolveRatio, latencyResolveRatio: defaultAlertLatencyResolveRatio, maxSubjectsPerRule: options.maxSubjectsPerRule ?? defaultAlertMaxSubjectsPerRule };
  const engine = new AlertEngine(rules, policy, now, (event, rule) => {
    metrics?.changed(event.rule, event.state === 'firing');
    logger.warn({ rule: event.rule, subject: event.subject, name: event.name, state: event.state }, `alert ${event.rule} ${event.state}: ${event.summary}`);
    sender.enqueue(event, rule.notify);
  });
  const watched = new Set(rules.map((rule) => rule.when.kind));
  let sources: AlertSources | undefined;
  const sampleLevels = (): void => {
    if (sources === undefined) return;
    if (watched.has('keys_set_aside')) {
      engine.observeLevels('keys_set_aside', new Map([...sources.keysSetAside()].map(([channel, count]) => [channel, { value: count }])), { value: 0 });
    }
    if (watched.has('shared_state_degraded')) {
      const up = sources.sharedStateUp();
      engine.observeLevels('shared_state_degraded', up === undefined ? new Map() : new Map([['redis', { value: up ? 0 : 1 }]]), { value: 0 });
    }
  };
  let quotaRead: Promise<void> | undefined;
  const sampleQuotas = (): void => {
    if (sources === undefined || quotaRead !== undefined || !watched.has('quota_left_below')) return;
    quotaRead = sources.listKeys()
      .then((keys) => {
        engine.observeLevels('quota_left_below' satisfies LevelKind, measureQuotaLeft(keys, Date.now()), { value: 1 });
      })
      .catch((error: unknown) => {
        logger.debug({ err: error }, 'alerts could not read the keys\' quotas; trying again at the next check');
      })
      .finally(() => {
        quotaRead = undefined;
      });
  };
  const timers = rules.length === 0 ? [] : [
    setInterval(() => {
      sampleLevels();
      engine.evaluateAll();
    }, options.checkEveryMs ?? defaultAlertCheckEveryMs),
    setInterval(sampleQuotas, options.quotaCheckEveryMs ?? defaultAlertQuotaCheckEveryMs),
  ];
  for (const timer of timers) timer.unref();
  return {
    observeAttempts: (attempts, model) => {
      if (rules.length === 0) return;
      for (const attempt of attempts) {
        engine.observeAttempt({ channel: attempt.channel, model, failed: attempt.countsAgainstChannel, succeeded: attempt.status === 200 && attempt.errorCode === undefined, durationMs: attempt.durationMs });
      }
    },
    observeBreaker: (channel, model, open) => {
      engine.observeBreaker(channel, model, open);
    },
    watch: (given) => {
      sources = given;
      sampleLevels();
      sampleQuotas();
    },
    list: () => engine.list(),
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      await quotaRead;
      await sender.close();
    },
  };
}
