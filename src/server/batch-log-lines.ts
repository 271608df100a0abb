// The log's lines gathered into pieces before they reach pino's destination (sonic-boom).
// sonic-boom appends each write to its last buffered string and takes that string's
// Buffer.byteLength on the next write, which flattens the whole concatenation: with a line per
// request, every line copied the up to 16 KiB still waiting behind a write in flight — ~5 µs and
// ~3 KB of garbage per request line (docs/benchmarks.md, "Fixed per-request work, round six").
// Every line still goes through here in the order it was written (pino's own lines too). A piece is
// handed on once `batchChars` wait or `maxWaitMs` after its first line, whichever comes first, on
// flush/flushSync/end, and before the process exits (ahead of pino's own exit flush): a quiet server's
// line reaches stdout within the wait, not once 4 KiB of later lines followed it. A piece the
// destination drops (its bound: log-loss.ts) is counted by the destination's own listener; the
// batch tells the tally when a piece got through, so a loss is reported once the reader keeps up.
import type { LogLoss } from './log-loss.ts';

/** What pino calls on its destination (sonic-boom has all of these). */
export interface LogDestination {
  write(data: string): unknown;
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  end(): void;
}

export interface LineBatchPolicy {
  /** Lines are handed on once this many characters wait. */
  batchChars: number;
  /** ... or this long after the first of them was written. */
  maxWaitMs: number;
}

export const defaultLineBatchPolicy: LineBatchPolicy = { batchChars: 4096, maxWaitMs: 200 };

const live = new Set<WeakRef<LineBatch>>();
let exitHooked = false;

/** Before pino's own handlers (on-exit-leak-free flushes sonic-boom at `exit`, ends it at `beforeExit`). */
function handOnBeforeExit(): void {
  for (const reference of live) {
    const batch = reference.deref();
    if (batch === undefined) live.delete(reference);
    else batch.handOn();
  }
}

export class LineBatch implements LogDestination {
  readonly #target: LogDestination;
  readonly #policy: LineBatchPolicy;
  #lines: string[] = [];
  #chars = 0;
  /** Set while lines wait and the wait's timer runs (one at a time, unref'd: it never keeps the process up). */
  #timer: NodeJS.Timeout | undefined;
  readonly #reference = new WeakRef(this);
  readonly #loss: LogLoss | undefined;
  readonly #waited = (): void => {
    this.#timer = undefined;
    this.handOn();
  };

  constructor(target: LogDestination, options: Partial<LineBatchPolicy> & { loss?: LogLoss } = {}) {
    this.#target = target;
    this.#policy = { batchChars: options.batchChars ?? defaultLineBatchPolicy.batchChars, maxWaitMs: options.maxWaitMs ?? defaultLineBatchPolicy.maxWaitMs };
    this.#loss = options.loss;
    live.add(this.#reference);
    if (!exitHooked) {
      exitHooked = true;
      process.prependListener('beforeExit', handOnBeforeExit);
      process.prependListener('exit', handOnBeforeExit);
    }
  }

  write(line: string): boolean {
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= this.#policy.batchChars) this.handOn();
    else if (this.#timer === undefined) this.#timer = setTimeout(this.#waited, this.#policy.maxWaitMs).unref();
    return true;
  }

  /** What waits, to the destination in one write. */
  handOn(): void {
    if (this.#chars === 0) return;
    const lines = this.#lines;
    this.#lines = [];
    this.#chars = 0;
    const droppedBefore = this.#loss?.lines;
    this.#target.write(lines.length === 1 ? (lines[0] ?? '') : lines.join(''));
    if (this.#loss?.lines === droppedBefore) this.#loss?.accepted();
  }

  flush(callback?: (error?: Error) => void): void {
    this.handOn();
    this.#target.flush(callback);
  }

  flushSync(): void {
    this.handOn();
    this.#target.flushSync();
  }

  end(): void {
    this.handOn();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    live.delete(this.#reference);
    this.#target.end();
  }
}
