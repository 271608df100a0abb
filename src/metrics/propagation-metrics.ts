// How changes made on other instances reach this one (PostgreSQL LISTEN/NOTIFY with a version poll
// as the backstop, server/follow-store-changes.ts): how many were applied by each path, and how
// long a notified change took from the sender's commit to its apply here. Registered on the
// instance's registry beside create-metrics.ts's.
import { Counter, Histogram, type Registry } from './prom-client-parts.ts';

export type PropagationSource = 'notify' | 'poll' | 'reconnect';

/** Seconds; the target is p99 under 0.5 s. */
const lagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class PropagationMetrics {
  readonly #applied: Counter<'source'>;
  readonly #lag: Histogram;

  constructor(registry: Registry) {
    this.#applied = new Counter({
      name: 'sluice_config_changes_applied_total',
      help: 'Changes made on other instances applied here, by how they came (notify: its notification; poll: a full reload after the config version poll saw a missed change; reconnect: a full reload when the listening connection came back)',
      labelNames: ['source'],
      registers: [registry],
    });
    for (const source of ['notify', 'poll', 'reconnect'] as const) this.#applied.inc({ source }, 0);
    this.#lag = new Histogram({
      name: 'sluice_config_change_lag_seconds',
      help: 'From the sending instance\'s commit to the apply here, for changes that came by notification (the two instances\' clocks must agree: same host or NTP)',
      buckets: lagBuckets,
      registers: [registry],
    });
  }

  applied(source: PropagationSource, lagMs: number | undefined): void {
    this.#applied.inc({ source });
    if (lagMs !== undefined) this.#lag.observe(lagMs / 1000);
  }
}
