// Alerts as metrics (docs/alerts.md "Metrics"): how many alerts of each rule are firing, and what
// became of each webhook message. Labelled by rule name only (from the config, so bounded) and a
// fixed outcome; registered on the instance's registry beside create-metrics.ts's.
import { Counter, Gauge, type Registry } from './prom-client-parts.ts';

/** delivered: a 2xx answer; failed: every try failed; dropped: the queue was full, or shutdown came first. */
export const notificationOutcomes = ['delivered', 'failed', 'dropped'] as const;
export type NotificationOutcome = (typeof notificationOutcomes)[number];

export class AlertMetrics {
  readonly #firing: Gauge<'rule'>;
  readonly #notifications: Counter<'rule' | 'outcome'>;

  constructor(registry: Registry, rules: readonly string[]) {
    this.#firing = new Gauge({ name: 'sluice_alerts_firing', help: 'Alerts firing now, by rule (one per channel, model or key the rule watches)', labelNames: ['rule'], registers: [registry] });
    this.#notifications = new Counter({
      name: 'sluice_alert_notifications_total',
      help: 'Alert webhook messages by rule and outcome (delivered: a 2xx answer; failed: every try failed; dropped: the queue was full, or shutdown came first)',
      labelNames: ['rule', 'outcome'],
      registers: [registry],
    });
    for (const rule of new Set(rules)) {
      this.#firing.set({ rule }, 0);
      for (const outcome of notificationOutcomes) this.#notifications.inc({ rule, outcome }, 0);
    }
  }

  changed(rule: string, firing: boolean): void {
    this.#firing.inc({ rule }, firing ? 1 : -1);
  }

  notified(rule: string, outcome: NotificationOutcome): void {
    this.#notifications.inc({ rule, outcome });
  }
}
