// The main thread's side of the request-log thread (write-log-rows-thread.ts): write(rows) posts a
// batch and resolves (or rejects with the store's own error) when the thread has committed it; the
// log writer's queue, batching and drop counting stay in log-writer.ts.
//
// The thread runs only while rows flow: the first batch starts it, and an idle wait after its last
// batch was committed (`defaultLogThreadPolicy`: 1.5 s, then twice the quiet that caused a restart,
// up to 60 s) it is stopped (its connection closed, the thread ended, its isolate freed:
// ~5 MB of resident memory back, docs/benchmarks.md "Idle RSS, round four"); the next batch starts
// it again. A batch that comes while a stop is under way waits for that thread's exit and goes to
// the new one, so batches are committed in the order they were written. close() (shutdown, after
// the log writer's last flush) stops it for good. The thread keeps the process alive only while a
// batch is in flight.
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogThreadReply, LogThreadRequest, LogThreadSettings } from './log-thread-messages.ts';
import { flattenLogRows, fromSentError } from './log-thread-messages.ts';
import type { RequestLogRow } from './ports.ts';
import { refuseLostWrites } from './sqlite-file-identity.ts';
import { StoreUnavailableError } from './store-errors.ts';

export interface LogThreadPolicy {
  /** How long the thread stays after its last batch before it is stopped, at first; the next batch starts it again. */
  idleStopMs: number;
  /**
   * The most it stays: a restart within this long of the last stop sets the next wait to twice the
   * quiet that caused it (up to this), and a restart after a longer quiet goes back to `idleStopMs`.
   */
  maxIdleStopMs: number;
}

/**
 * 1.5 s at first, then twice the quiet that caused a restart, up to 60 s. A gateway at rest gives
 * the thread's memory back (~5 MB, docs/benchmarks.md "Idle RSS, round four") 1.5 s after its last
 * rows were committed. The first wait is longer than the log writer's flush interval (log-writer.ts,
 * 1 s) because under steady traffic of fewer rows than a batch per second, the writer posts its next
 * batch one flush interval after the first row that followed the last commit: a wait of exactly
 * that interval, armed first, fired first, and stopped the thread just before that batch restarted
 * it — one needless restart each time traffic began (docs/benchmarks.md "Paced streams, round
 * eight"). A restart costs ~1 ms of the main thread's time (the Worker's creation), ~55–80 ms of
 * CPU on the new thread (190–240 ms on a busy shared machine), and the first batch after it waits
 * ~0.1 s for the thread to boot. So a restart teaches the wait the traffic's gap: the quiet between
 * the last batch and the one that restarted the thread (the wait plus the time stopped) is how far
 * apart the traffic's bursts are, and the next wait is twice that — bursts 10 s apart restart the
 * thread once, not after each of its 1.5, 3 and 6 s waits as a plain doubling did (docs/benchmarks.md
 * "Round twenty-three": the bench's interleaved targets did that inside measured repetitions).
 * The worst case, a request just more than 60 s after the last, restarts it once a minute (~0.13 %
 * of a core). A fixed wait has to choose between memory held for its whole length at rest and a
 * restart for every request a little more than it apart (4 % of a core at 2 s).
 */
export const defaultLogThreadPolicy: LogThreadPolicy = { idleStopMs: 1500, maxIdleStopMs: 60_000 };

/**
 * The idle wait of a thread started `sinceStopMs` after the previous one stopped (undefined: the
 * first thread), whose own wait was `previousMs`: twice the quiet between that thread's last batch
 * and this start (`previousMs + sinceStopMs`) when the restart came within `maxIdleStopMs`, capped
 * there; the first wait otherwise.
 */
export function chooseIdleStop(previousMs: number, sinceStopMs: number | undefined, policy: LogThreadPolicy): number {
  if (sinceStopMs === undefined || sinceStopMs > policy.maxIdleStopMs) return policy.idleStopMs;
  return Math.min(2 * (previousMs + sinceStopMs), policy.maxIdleStopMs);
}

/**
 * Rows in each batch the log writer gives the thread (the writer's default, 200, stays for PostgreSQL's pool,
 * where a batch is a round trip). The thread's inserts take ~6 µs a row, and where it shares a core with the
 * event loop (a one-core container; the bench's `taskset`), Linux lets it finish its slice before the request
 * that arrived meanwhile runs: a 200-row batch held that request ~1 ms, 1 in ~200 requests at concurrency 1.
 * 50 rows hold it a quarter of that; the p99 at concurrency 1 read 1.12–1.16 ms against 1.28–1.91, and the
 * CPU a request at concurrency 64 did not move beyond its spread (docs/benchmarks.md "Round twenty-four").
 * Lowering the thread's priority instead (`os.setPriority` inside it, nice 10) read 1.09–1.22 ms, but its
 * preemptions cost it ~30 % more CPU, and a low priority starves it on a saturated core (at nice 19, 73 % of
 * the rows of a c=64 run were dropped).
 */
export const logThreadBatchRows = 50;

export interface LogThread {
  write(rows: RequestLogRow[]): Promise<void>;
  /** Closes the thread's connection and ends the thread; later writes fail. */
  close(): Promise<void>;
  /** Whether a thread is running now (started and not yet exited). */
  isRunning(): boolean;
  /** How many threads it has started so far (a start costs ~80 ms of CPU on the new thread). */
  readStarts(): number;
}

export interface LogThreadOptions extends LogThreadSettings, Partial<LogThreadPolicy> {
  /** Why the file open on the main thread is no longer the one at the path (sqlite-file-identity.ts). */
  findFileChange?: () => string | undefined;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** One thread, from its start to its exit. */
interface Run {
  worker: Worker;
  pending: Map<number, Pending>;
  exited: Promise<void>;
}

// The thread's file is this one's sibling in the same form: write-log-rows-thread.js beside the
// compiled server in dist/ (so neither thread loads type stripping), .ts when run from src/.
const threadFile = new URL(`./write-log-rows-thread${extname(import.meta.url)}`, import.meta.url);

function failAll(pending: Map<number, Pending>, error: Error): void {
  for (const waiting of pending.values()) waiting.reject(error);
  pending.clear();
}

/** Starts one thread; `onSettled` is called each time its last batch in flight is answered. */
function startRun(settings: LogThreadSettings, onSettled: (run: Run) => void, onExit: (run: Run) => void): Run {
  const worker = new Worker(threadFile, { workerData: settings });
  worker.unref();
  const pending = new Map<number, Pending>();
  const run: Run = {
    worker,
    pending,
    exited: new Promise((resolve) => {
      worker.once('exit', (code) => {
        failAll(pending, new StoreUnavailableError(`the request log thread stopped (exit code ${String(code)})`));
        onExit(run);
        resolve();
      });
    }),
  };
  worker.on('message', (reply: LogThreadReply) => {
    if ('kind' in reply) return;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error === undefined) waiting?.resolve();
    else waiting?.reject(fromSentError(reply.error));
    if (pending.size === 0) onSettled(run);
  });
  worker.on('error', (error: unknown) => {
    const said = error instanceof Error ? error.message : String(error);
    failAll(pending, new StoreUnavailableError(`the request log thread failed: ${said}`, { cause: error }));
  });
  return run;
}

/** Asks the thread to close its connection and end, after the batches already posted to it. */
function stopRun(run: Run): Promise<void> {
  run.worker.postMessage({ kind: 'close' } satisfies LogThreadRequest);
  return run.exited;
}

export function startLogThread(options: LogThreadOptions): LogThread {
  const settings: LogThreadSettings = { path: options.path, readOnly: options.readOnly };
  const policy: LogThreadPolicy = {
    idleStopMs: options.idleStopMs ?? defaultLogThreadPolicy.idleStopMs,
    maxIdleStopMs: options.maxIdleStopMs ?? defaultLogThreadPolicy.maxIdleStopMs,
  };
  let idleStopMs = policy.idleStopMs;
  let stoppedAt: number | undefined;
  let current: Run | undefined;
  let stopping: Promise<void> | undefined;
  let closed: Error | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let nextId = 1;
  let starts = 0;

  const cancelIdleStop = (): void => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  };
  /** Ends `run` (the current thread); batches written meanwhile wait for its exit. */
  const stop = (run: Run): Promise<void> => {
    cancelIdleStop();
    current = undefined;
    stoppedAt = performance.now();
    stopping = stopRun(run).finally(() => {
      stopping = undefined;
    });
    return stopping;
  };
  const onSettled = (run: Run): void => {
    run.worker.unref();
    cancelIdleStop();
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (current === run && run.pending.size === 0) void stop(run);
    }, idleStopMs);
    idleTimer.unref();
  };
  // A thread that ended on its own (a crash) is replaced by the next batch.
  const onExit = (run: Run): void => {
    if (current !== run) return;
    current = undefined;
    cancelIdleStop();
  };

  /** Posts a batch to the running thread, starting one when none runs. */
  const post = (rows: RequestLogRow[]): Promise<void> => {
    // Queued behind the stop in the order written: each starts (or finds) the next thread in turn.
    if (stopping !== undefined) return stopping.then(() => post(rows));
    cancelIdleStop();
    if (current === undefined) {
      idleStopMs = chooseIdleStop(idleStopMs, stoppedAt === undefined ? undefined : performance.now() - stoppedAt, policy);
      current = startRun(settings, onSettled, onExit);
      starts += 1;
    }
    const run = current;
    const id = nextId++;
    const written = new Promise<void>((resolve, reject) => {
      run.pending.set(id, { resolve, reject });
    });
    run.worker.ref();
    run.worker.postMessage({ kind: 'write', id, values: flattenLogRows(rows) } satisfies LogThreadRequest);
    return written;
  };

  return {
    write(rows) {
      if (closed !== undefined) return Promise.reject(closed);
      const change = options.findFileChange?.();
      if (change !== undefined) return Promise.reject(refuseLostWrites(change));
      return post(rows);
    },

    async close() {
      closed ??= new StoreUnavailableError('the request log thread stopped: the log writer closed');
      cancelIdleStop();
      await stopping;
      if (current === undefined) return;
      current.worker.ref();
      await stop(current);
    },

    isRunning() {
      return current !== undefined || stopping !== undefined;
    },
    readStarts: () => starts,
  };
}
