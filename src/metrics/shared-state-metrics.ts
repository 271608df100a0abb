// Whether the shared state (Redis) is up, and how many decisions were taken without it. Registered
// on the instance's registry beside create-metrics.ts's.
import { Counter, Gauge, type Registry } from 'prom-client';

export type DegradedWhat = 'rate' | 'quota';

export class SharedStateMetrics {
  readonly #up: Gauge;
  readonly #degraded: Counter<'what'>;

  constructor(registry: Registry) {
    this.#up = new Gauge({ name: 'sluice_shared_state_up', help: 'Whether the shared state (Redis) answers: 1 yes, 0 no (decisions are then local, on this instance\'s share)', registers: [registry] });
    this.#degraded = new Counter({
      name: 'sluice_shared_state_degraded_total',
      help: 'Decisions taken on this instance alone because the shared state was down, by what was decided (rate: rpm/tpm admission; quota: a token quota held by a conditional UPDATE in the store instead of Redis)',
      labelNames: ['what'],
      registers: [registry],
    });
    this.#degraded.inc({ what: 'rate' }, 0);
    this.#degraded.inc({ what: 'quota' }, 0);
  }

  up(isUp: boolean): void {
    this.#up.set(isUp ? 1 : 0);
  }

  degraded(what: DegradedWhat): void {
    this.#degraded.inc({ what });
  }
}
