// Retention of the request log (issue 12): rows older than `log_retention_days` are deleted and
// debug captures (full bodies) older than `capture_retention_days` nulled out, in small batches on
// an unref'd timer — off the request path, on both databases — and stopped before the store closes.
import type { PruneResult, RequestLogStore } from './ports.ts';

const dayMs = 86_400_000;

export interface RetentionPolicy {
  logDays: number;
  captureDays: number;
}

/** How the pruning runs: every `intervalMs`, batches of `batchRows` until a batch comes back short. */
export const defaultPruneSchedule = Object.freeze({ intervalMs: 5 * 60_000, batchRows: 500 });

export interface LogRetention {
  /** One pass now: every batch due (what the timer runs); the totals. */
  runOnce(): Promise<PruneResult>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

export interface LogRetentionOptions {
  now?: () => number;
  schedule?: { intervalMs: number; batchRows: number };
  onError: (error: unknown) => void;
}

export function startLogRetention(logs: RequestLogStore, policy: RetentionPolicy, options: LogRetentionOptions): LogRetention {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultPruneSchedule;
  let stopped = false;
  let running: Promise<PruneResult> | undefined;

  async function pass(): Promise<PruneResult> {
    const total = { deletedRows: 0, clearedCaptures: 0 };
    const time = now();
    const cut = { logsBefore: time - policy.logDays * dayMs, capturesBefore: time - policy.captureDays * dayMs, batchRows: schedule.batchRows };
    while (!stopped) {
      const batch = await logs.prune(cut);
      total.deletedRows += batch.deletedRows;
      total.clearedCaptures += batch.clearedCaptures;
      if (batch.deletedRows < cut.batchRows && batch.clearedCaptures < cut.batchRows) break;
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

  const runOnce = (): Promise<PruneResult> => {
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
