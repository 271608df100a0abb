// Writes request log rows off the hot path: append() only pushes onto a bounded in-memory queue;
// batches go to the sink when `batchSize` rows are waiting or `flushIntervalMs` after the first
// one, whichever comes first. A full queue drops rows and counts them — a slow database must never
// hold up or fail a request. flush() and close() drain the queue at shutdown.

export interface LogWriterPolicy {
  /** Rows per write. */
  batchSize: number;
  /** The longest a row waits in the queue before a write starts. */
  flushIntervalMs: number;
  /** Rows waiting beyond this are dropped and counted. */
  maxQueued: number;
}

export const defaultLogWriterPolicy: LogWriterPolicy = { batchSize: 200, flushIntervalMs: 1000, maxQueued: 10_000 };

export interface LogWriterOptions extends Partial<LogWriterPolicy> {
  /** A batch the sink refused; its rows are counted as failed and not retried. */
  onError?: (error: unknown, lostRows: number) => void;
  /** A row turned away at append(): the queue was full, or the writer closed. */
  onDrop?: (reason: 'queue_full' | 'closed') => void;
}

export interface LogWriterCounts {
  queued: number;
  written: number;
  /** Turned away because the queue was full or the writer closed. */
  dropped: number;
  /** In batches the sink refused. */
  failed: number;
}

export interface LogWriter<Row> {
  /** Never waits and never throws. */
  append(row: Row): void;
  /** Resolves once every row appended so far has been written (or counted as failed). */
  flush(): Promise<void>;
  /** Flushes; rows appended afterwards are dropped. */
  close(): Promise<void>;
  readCounts(): LogWriterCounts;
}

export function createLogWriter<Row>(write: (rows: Row[]) => Promise<void>, options: LogWriterOptions = {}): LogWriter<Row> {
  const batchSize = Math.max(1, options.batchSize ?? defaultLogWriterPolicy.batchSize);
  const flushIntervalMs = options.flushIntervalMs ?? defaultLogWriterPolicy.flushIntervalMs;
  const maxQueued = options.maxQueued ?? defaultLogWriterPolicy.maxQueued;
  const counts = { written: 0, dropped: 0, failed: 0 };
  let queue: Row[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timerIsSoon = false;
  let draining: Promise<void> | undefined;
  let closed = false;

  function reportError(error: unknown, lostRows: number): void {
    try {
      options.onError?.(error, lostRows);
    } catch {
      // A failing error reporter must not stop the writer.
    }
  }

  /**
   * Writes what is due now, then the full batches appended meanwhile. Fewer rows appended during a
   * write wait for a full batch or their interval: writing them at once made the batch as small as
   * a write is short (~17 rows at 1,000 requests/s), each batch paying a message, a transaction and
   * its commit on the log thread (docs/benchmarks.md, "Fixed per-request work, round six").
   * Started because a batch filled (`wholeBatches`), only whole batches are due: the rows that came
   * after the one that filled it, before the drain began, wait in the same way. Sent at once, they
   * made 4 batches in 10 at concurrency 1 a batch of 1–4 rows (docs/benchmarks.md, "Round twenty-six").
   */
  async function drain(wholeBatches: boolean): Promise<void> {
    let due = wholeBatches ? queue.length - (queue.length % batchSize) : queue.length;
    while (due > 0 || queue.length >= batchSize) {
      const batch = queue.length <= batchSize ? queue : queue.slice(0, batchSize);
      queue = queue.length <= batchSize ? [] : queue.slice(batchSize);
      due -= batch.length;
      try {
        await write(batch);
        counts.written += batch.length;
      } catch (error) {
        counts.failed += batch.length;
        reportError(error, batch.length);
      }
    }
  }

  function startDrain(wholeBatches = false): Promise<void> {
    cancelTimer();
    draining ??= drain(wholeBatches).finally(() => {
      draining = undefined;
      // Rows appended between the last batch and now found a drain running and set no timer.
      if (queue.length > 0) scheduleDrain(queue.length >= batchSize);
    });
    return draining;
  }

  function cancelTimer(): void {
    clearTimeout(timer);
    timer = undefined;
  }

  /** Starts a drain later, never inside append(): at once (a full batch waits) or after the interval. */
  function scheduleDrain(soon: boolean): void {
    if (draining !== undefined) return;
    if (timer !== undefined && (timerIsSoon || !soon)) return;
    cancelTimer();
    timerIsSoon = soon;
    const start = (): void => {
      timer = undefined;
      void startDrain(soon);
    };
    timer = setTimeout(start, soon ? 0 : flushIntervalMs);
    timer.unref();
  }

  async function flush(): Promise<void> {
    while (draining !== undefined || queue.length > 0) await startDrain();
  }

  return {
    append(row) {
      if (closed || queue.length >= maxQueued) {
        counts.dropped += 1;
        try {
          options.onDrop?.(closed ? 'closed' : 'queue_full');
        } catch {
          // As reportError: a failing reporter must not reach the request's path.
        }
        return;
      }
      queue.push(row);
      scheduleDrain(queue.length >= batchSize);
    },

    flush,

    async close() {
      closed = true;
      await flush();
    },

    readCounts() {
      return { queued: queue.length, ...counts };
    },
  };
}
