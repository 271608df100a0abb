// Whether the shared state (Redis) is up, and how many decisions were taken without it. Registered
// on the instance's registry beside create-metrics.ts's.
import { Counter, Gauge, type Registry } from './prom-client-parts.ts';

export type DegradedWhat = 'rate' | 'quota' | 'key_refusal' | 'health' | 'cache';

export class SharedStateMetrics {
  readonly #up: Gauge;
  readonly #degraded: Counter<'what'>;

  constructor(registry: Registry) {
    this.#up = new Gauge({ name: 'sluice_shared_state_up', help: 'Whether the shared state (Redis) answers: 1 yes, 0 no (decisions are then local, on this instance\'s share)', registers: [registry] });
    this.#degraded = new Counter({
      name: 'sluice_shared_state_degraded_total',
      help: 'Decisions taken on this instance alone because the shared state was down, by what was decided (rate: rpm/tpm admission and max_concurrency; quota: a token quota held by a conditional UPDATE in the store instead of Redis; key_refusal: a refused upstream key kept to this instance; health: a health check run without an owner; cache: a response-cache lookup or store skipped)',
      labelNames: ['what'],
      registers: [registry],
    });
    for (const what of ['rate', 'quota', 'key_refusal', 'health', 'cache'] as const) this.#degraded.inc({ what }, 0);
  }

  /** The last state reported; undefined until the first (alerts read it: docs/alerts.md). */
  isUp: boolean | undefined;

  up(isUp: boolean): void {
    this.isUp = isUp;
    this.#up.set(isUp ? 1 : 0);
  }

  degraded(what: DegradedWhat): void {
    this.#degraded.inc({ what });
  }
}
