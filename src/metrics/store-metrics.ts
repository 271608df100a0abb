// What the store lost or refused, as counters an operator can alert on. Registered on the instance's
// registry beside create-metrics.ts's; every label value comes from a fixed list.
import { Counter, Gauge, type Registry } from './prom-client-parts.ts';

export type DropReason = 'store_error' | 'queue_full' | 'closed';

export class StoreMetrics {
  readonly #rowsDropped: Counter<'reason'>;
  readonly #refusalsSuppressed: Counter;
  readonly #writable: Gauge;

  constructor(registry: Registry) {
    this.#rowsDropped = new Counter({
      name: 'sluice_log_rows_dropped_total',
      help: 'Request log rows not stored: the store refused the write (store_error), the queue was full, or the writer had closed',
      labelNames: ['reason'],
      registers: [registry],
    });
    // Present from the start, so a rate() over it works before the first loss.
    for (const reason of ['store_error', 'queue_full', 'closed'] satisfies DropReason[]) this.#rowsDropped.inc({ reason }, 0);
    this.#refusalsSuppressed = new Counter({
      name: 'sluice_refusal_rows_suppressed_total',
      help: 'Requests refused before authentication that were counted but not logged or stored (one client address past its limit)',
      registers: [registry],
    });
    this.#writable = new Gauge({ name: 'sluice_store_writable', help: 'Whether the last store write (probe or real) succeeded: 1 yes, 0 no', registers: [registry] });
    this.#writable.set(1);
  }

  rowsDropped(reason: DropReason, rows: number): void {
    this.#rowsDropped.inc({ reason }, rows);
  }

  refusalSuppressed(): void {
    this.#refusalsSuppressed.inc();
  }

  storeWritable(writable: boolean): void {
    this.#writable.set(writable ? 1 : 0);
  }
}
