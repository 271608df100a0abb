// The log's lines gathered into ~4 KiB pieces before they reach pino's destination (sonic-boom).
// sonic-boom appends each write to its last buffered string and takes that string's
// Buffer.byteLength on the next write, which flattens the whole concatenation: with a line per
// request, every line copied the up to 16 KiB still waiting behind a write in flight — ~5 µs and
// ~3 KB of garbage per request line (docs/benchmarks.md, "Fixed per-request work, round six").
// Every line still goes through here in the order it was written (pino's own lines too), and no
// line waits longer than it did in sonic-boom's own 4 KiB buffer: it is handed on at 4 KiB, on
// flush/flushSync/end, and before the process exits (ahead of pino's own exit flush). A piece the
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

/** Lines are handed on once this many characters wait (sonic-boom's `minLength` in start-sluice.ts). */
export const defaultBatchChars = 4096;

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
  readonly #batchChars: number;
  #lines: string[] = [];
  #chars = 0;
  readonly #reference = new WeakRef(this);
  readonly #loss: LogLoss | undefined;

  constructor(target: LogDestination, batchChars = defaultBatchChars, loss?: LogLoss) {
    this.#target = target;
    this.#batchChars = batchChars;
    this.#loss = loss;
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
    if (this.#chars >= this.#batchChars) this.handOn();
    return true;
  }

  /** What waits, to the destination in one write. */
  handOn(): void {
    if (this.#chars === 0) return;
    const lines = this.#lines;
    this.#lines = [];
    this.#chars = 0;
    const piece = lines.length === 1 ? (lines[0] ?? '') : lines.join('');
    const loss = this.#loss;
    if (loss === undefined) {
      this.#target.write(piece);
      return;
    }
    const droppedBefore = loss.lines;
    this.#target.write(piece);
    if (loss.lines === droppedBefore) loss.accepted();
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
    live.delete(this.#reference);
    this.#target.end();
  }
}
