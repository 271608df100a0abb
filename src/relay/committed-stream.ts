// A stream past its commit point: the first client frame exists, so the client gets a 200 and
// whatever happens next reaches it in-band. Writing it is one loop per stream: each upstream read's
// frames go out with one `write`, and the next read waits while the client's buffer is full.
import { GatewayError } from '../core/errors.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';

/** What the commit point reads: the client frames a path produced (the translated path, or the pass-through). */
export interface FramePath {
  /** Client frames produced so far: the first one is the commit point. */
  readonly frames: number;
  /** The frames produced since the last call, as one string. */
  take(): string;
  readonly encoder: StreamEncoder | undefined;
}

/** Where a committed stream is written (the server's response). */
export interface FrameSink {
  /** Writes frames; false when the client's buffer is full: wait for `whenDrained` before more. */
  write(text: string): boolean;
  /** Calls `resume` once, on 'drain' or when the client is gone. */
  whenDrained(resume: () => void): void;
}

/** How a committed stream ended: undefined when whole, else the error that ended it early. */
export type StreamEnd = { failure: unknown } | undefined;

export interface CommittedStream {
  /**
   * Writes the stream to the client, to its end, driven by callbacks (no suspended function per
   * held stream). Calls `done` once, after the attempt is settled, with the error that ended it
   * early (the frames before it written), or undefined.
   */
  pipeTo(sink: FrameSink, done: (end: StreamEnd) => void): void;
  /** The client protocol's encoder (its failure frames, end and keep-alive); absent: Chat Completions. */
  readonly encoder: StreamEncoder | undefined;
}

/** `pipeTo` as a promise that rejects with the error that ended the stream early (a replay, the tests). */
export function pipeToEnd(stream: CommittedStream, sink: FrameSink): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.pipeTo(sink, (end) => {
      if (end === undefined) resolve();
      else reject(end.failure instanceof Error ? end.failure : new Error(String(end.failure)));
    });
  });
}

/** What feeds the path: the upstream pump, or nothing more (a replayed completion). */
export interface FrameSource {
  readonly over: boolean;
  step(): Promise<void>;
  /** `step` with callbacks, when the source has it (no promise per read); may call back before it returns. */
  stepThen?(done: () => void, fail: (error: unknown) => void): void;
  release(): Promise<void>;
}

/**
 * Reads until the first client frame: the commit point. Throws what went wrong before it; a read
 * that made frames and then failed commits, and its failure follows them in-band. Returns where the
 * rest of the stream comes from.
 */
export async function readToCommit(path: FramePath, source: FrameSource, channel: string): Promise<FrameSource> {
  while (path.frames === 0) {
    if (source.over) {
      throw new GatewayError('upstream_bad_response', `${channel} ended its stream without a single chunk`, { upstream: { channel, status: 200 } });
    }
    try {
      await source.step();
    } catch (error) {
      if (path.frames === 0) throw error;
      return failingSource(error);
    }
  }
  return source;
}

export function commitStream(path: FramePath, source: FrameSource, settle: () => void): CommittedStream {
  return {
    encoder: path.encoder,
    pipeTo(sink, done) {
      new CommittedPipe(path, source, settle, sink, done).write();
    },
  };
}

/**
 * One committed stream being written: each upstream read's frames go out with one `write`, the next
 * read waits for 'drain' when the client's buffer is full. Callbacks, not a loop in an async
 * function, so a held stream keeps this object and one pending read, not a chain of suspended
 * frames (docs/benchmarks.md, "Stream writer, round four").
 */
class CommittedPipe {
  readonly #path: FramePath;
  readonly #source: FrameSource;
  readonly #settle: () => void;
  readonly #sink: FrameSink;
  readonly #done: (end: StreamEnd) => void;
  #end: StreamEnd;
  /** Inside `#next`'s loop: a read answered at once asks for the next one by setting `#again`. */
  #reading = false;
  #again = false;

  constructor(path: FramePath, source: FrameSource, settle: () => void, sink: FrameSink, done: (end: StreamEnd) => void) {
    this.#path = path;
    this.#source = source;
    this.#settle = settle;
    this.#sink = sink;
    this.#done = done;
  }

  /** Writes the frames made so far, then reads on (after 'drain' when the client's buffer is full). */
  readonly write = (): void => {
    let text;
    try {
      text = this.#path.take();
      if (text !== '' && !this.#sink.write(text)) {
        this.#sink.whenDrained(this.#next);
        return;
      }
    } catch (error) {
      this.#finish({ failure: error });
      return;
    }
    this.#next();
  };

  /**
   * The next read. A source with `stepThen` answers a read already buffered before it returns: that
   * answer's write asks for the next read by setting `#again`, and this loop makes it, so a burst of
   * buffered reads does not recurse.
   */
  readonly #next = (): void => {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    do {
      this.#again = false;
      if (this.#end !== undefined || this.#source.over) {
        this.#reading = false;
        this.#finish(this.#end);
        return;
      }
      this.#read();
    } while (this.#again);
    this.#reading = false;
  };

  #read(): void {
    if (this.#source.stepThen !== undefined) {
      this.#source.stepThen(this.write, this.#fail);
      return;
    }
    let step;
    try {
      step = this.#source.step();
    } catch (error) {
      this.#fail(error);
      return;
    }
    step.then(this.write, this.#fail);
  }

  readonly #fail = (error: unknown): void => {
    this.#end = { failure: error };
    this.write();
  };

  #finish(end: StreamEnd): void {
    const finish = (): void => {
      this.#settle();
      this.#done(end);
    };
    this.#source.release().then(finish, finish);
  }
}

/** A stream that failed after its first frames: the failure comes after them. */
export function failingSource(failure: unknown): FrameSource {
  let over = false;
  return {
    get over() {
      return over;
    },
    step() {
      over = true;
      return Promise.reject(failure instanceof Error ? failure : new Error(String(failure)));
    },
    release: () => Promise.resolve(),
  };
}

export const endedSource: FrameSource = { over: true, step: () => Promise.resolve(), release: () => Promise.resolve() };
