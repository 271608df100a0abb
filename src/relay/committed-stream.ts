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
  /** Writes frames; false when the client's buffer is full: wait for `drained()` before more. */
  write(text: string): boolean;
  /** Resolves on 'drain', or when the client is gone. */
  drained(): Promise<void>;
}

export interface CommittedStream {
  /**
   * Writes the stream to the client, to its end. Rejects with the error that ended it early, once
   * the frames before the error are written. The attempt is settled either way.
   */
  pipeTo(sink: FrameSink): Promise<void>;
  /** The client protocol's encoder (its failure frames, end and keep-alive); absent: Chat Completions. */
  readonly encoder: StreamEncoder | undefined;
}

/** What feeds the path: the upstream pump, or nothing more (a replayed completion). */
export interface FrameSource {
  readonly over: boolean;
  step(): Promise<void>;
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
    async pipeTo(sink) {
      let failed = false;
      let failure: unknown;
      try {
        for (;;) {
          const text = path.take();
          if (text !== '' && !sink.write(text)) await sink.drained();
          if (failed) throw failure;
          if (source.over) return;
          try {
            await source.step();
          } catch (error) {
            failed = true;
            failure = error;
          }
        }
      } finally {
        await source.release();
        settle();
      }
    },
  };
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
