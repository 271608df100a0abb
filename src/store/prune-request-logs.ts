// Retention of the request log (issue 12): rows older than `log_retention_days` are deleted and
// debug captures (full bodies) older than `capture_retention_days` nulled out, in small batches on
// an unref'd timer — off the request path, on both databases — and stopped before the store closes.
// The quota ledger's charges (quota-ledger.ts) go with the rows of their requests, by the same cut:
// a charge is kept only so a batch written twice charges once, which a retry within days covers.
import type { PruneResult, QuotaLedger, RequestLogStore } from './ports.ts';

const dayMs = 86_400_000;

export interface RetentionPolicy {
  logDays: number;
  captureDays: number;
}

/** How the pruning runs: every `intervalMs`, batches of `batchRows` until a batch comes back short. */
export const defaultPruneSchedule = Object.freeze({ intervalMs: 5 * 60_000, batchRows: 500 });

/** What one pass removed: log rows, captures, and ledger charges. */
export interface RetentionPass extends PruneResult {
  deletedCharges: number;
}

export interface LogRetention {
  /** One pass now: every batch due (what the timer runs); the totals. */
  runOnce(): Promise<RetentionPass>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

export interface LogRetentionOptions {
  now?: () => number;
  schedule?: { intervalMs: number; batchRows: number };
  onError: (error: unknown) => void;
  /** The quota ledger, pruned by `logDays` as well. */
  ledger?: Pick<QuotaLedger, 'prune'>;
}

export function startLogRetention(logs: RequestLogStore, policy: RetentionPolicy, options: LogRetentionOptions): LogRetention {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultPruneSchedule;
  let stopped = false;
  let running: Promise<RetentionPass> | undefined;

  async function pass(): Promise<RetentionPass> {
    const total = { deletedRows: 0, clearedCaptures: 0, deletedCharges: 0 };
    const time = now();
    const cut = { logsBefore: time - policy.logDays * dayMs, capturesBefore: time - policy.captureDays * dayMs, batchRows: schedule.batchRows };
    while (!stopped) {
      const batch = await logs.prune(cut);
      const charges = (await options.ledger?.prune(cut.logsBefore, cut.batchRows)) ?? 0;
      total.deletedRows += batch.deletedRows;
      total.clearedCaptures += batch.clearedCaptures;
      total.deletedCharges += charges;
      if (batch.deletedRows < cut.batchRows && batch.clearedCaptures < cut.batchRows && charges < cut.batchRows) break;
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

  const runOnce = (): Promise<RetentionPass> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = (): void => {
    runOnce().catch(options.onError);
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, schedule.intervalMs);
  first.unref();
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
