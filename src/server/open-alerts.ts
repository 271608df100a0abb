// The alert rules wired to the running gateway (docs/alerts.md): every finished request's upstream
// attempts and every breaker move go into the engine; each change is logged and queued for the
// rule's webhooks, delivered off the request path; a timer re-checks firing alerts so they resolve
// when traffic stops. Closed with the app.
import type { Logger } from 'pino';
import { AlertEngine } from '../alerts/alert-engine.ts';
import { AlertDelivery } from '../alerts/deliver-alerts.ts';
import type { AlertDeliveryPolicy, AlertEvent, AlertRule } from '../core/alert.ts';
import { defaultAlertCheckEveryMs, defaultAlertResolveRatio } from '../config/defaults.ts';
import type { AttemptRecord } from '../relay/request-record.ts';
import { postWebhook } from '../upstream/post-webhook.ts';

export interface Alerts {
  observeAttempts: (attempts: readonly AttemptRecord[]) => void;
  observeBreaker: (channel: string, model: string, open: boolean) => void;
  list: () => AlertEvent[];
  close: () => Promise<void>;
}

export interface AlertOptions {
  now?: () => number;
  checkEveryMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

export function openAlerts(rules: readonly AlertRule[], delivery: AlertDeliveryPolicy, logger: Logger, options: AlertOptions = {}): Alerts {
  const now = options.now ?? Date.now;
  const sender = new AlertDelivery(delivery, postWebhook, {
    now,
    sleep,
    onOutcome: (outcome) => {
      if (outcome.delivered) logger.info({ url: new URL(outcome.url).origin, tries: outcome.tries }, 'alert delivered');
      else logger.warn({ url: new URL(outcome.url).origin, tries: outcome.tries, error: outcome.error }, 'alert not delivered');
    },
  });
  const engine = new AlertEngine(rules, { resolveRatio: defaultAlertResolveRatio }, now, (event, rule) => {
    logger.warn({ rule: event.rule, channel: event.channel, state: event.state }, `alert ${event.rule} ${event.state}: ${event.summary}`);
    sender.enqueue(event, rule.notify);
  });
  const timer = rules.length === 0 ? undefined : setInterval(() => {
    engine.evaluateAll();
  }, options.checkEveryMs ?? defaultAlertCheckEveryMs);
  timer?.unref();
  return {
    observeAttempts: (attempts) => {
      if (rules.length === 0) return;
      for (const attempt of attempts) engine.observeAttempt(attempt.channel, attempt.countsAgainstChannel);
    },
    observeBreaker: (channel, model, open) => {
      engine.observeBreaker(channel, model, open);
    },
    list: () => engine.list(),
    close: async () => {
      clearInterval(timer);
      await sender.close();
    },
  };
}
