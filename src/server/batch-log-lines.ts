// The log's lines gathered into pieces before they reach the destination (log-output.ts).
// sonic-boom, pino's destination before it, appended each write to its last buffered string and took
// that string's Buffer.byteLength on the next write, which flattened the whole concatenation: with a line per
// request, every line copied the up to 16 KiB still waiting behind a write in flight — ~5 µs and
// ~3 KB of garbage per request line (docs/benchmarks.md, "Fixed per-request work, round six").
// Every line still goes through here in the order it was written (pino's own lines too). A piece is
// handed on once `batchChars` wait or `maxWaitMs` after its first line, whichever comes first, on
// flush/flushSync/end, when the event loop runs dry, and at exit (then written at once: flushSync): a
// quiet server's line reaches stdout within the wait, not once 16 KiB of later lines followed it.

/** What pino calls on its destination (log-output.ts LogOutput has all of these). */
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

/**
 * 16 KiB or 200 ms. Each piece is one write(2) (~6.5 µs for 4 KiB to a file, docs/benchmarks.md "Log
 * output, round thirteen"): 16 KiB pieces (~25 request lines) cost a line 0.7 µs less than 4 KiB ones
 * (~6 lines), and the wait bounds how late a line reaches stdout either way ("Round fifteen").
 */
export const defaultLineBatchPolicy: LineBatchPolicy = { batchChars: 16_384, maxWaitMs: 200 };

const live = new Set<WeakRef<LineBatch>>();
let exitHooked = false;

/** When the loop runs dry, what waits is handed on (its write keeps the loop up); at exit it is written at once. */
function handOnAtExit(event: 'beforeExit' | 'exit'): void {
  for (const reference of live) {
    const batch = reference.deref();
    if (batch === undefined) live.delete(reference);
    else if (event === 'exit') batch.flushSync();
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
  readonly #waited = (): void => {
    this.#timer = undefined;
    this.handOn();
  };

  constructor(target: LogDestination, options: Partial<LineBatchPolicy> = {}) {
    this.#target = target;
    this.#policy = { batchChars: options.batchChars ?? defaultLineBatchPolicy.batchChars, maxWaitMs: options.maxWaitMs ?? defaultLineBatchPolicy.maxWaitMs };
    live.add(this.#reference);
    if (!exitHooked) {
      exitHooked = true;
      process.prependListener('beforeExit', () => {
        handOnAtExit('beforeExit');
      });
      process.prependListener('exit', () => {
        handOnAtExit('exit');
      });
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
    this.#target.write(lines.length === 1 ? (lines[0] ?? '') : lines.join(''));
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
