// The log's way out to stdout: the pieces LineBatch gathers (batch-log-lines.ts), written so that
// neither a reader that stalls nor an output that fails stops Sluice or grows without end.
//
// How a piece is written depends on what the descriptor is, as Node writes process.stdout
// (nodejs.org/api/process.html "A note on process I/O": files synchronous, pipes and sockets
// asynchronous on POSIX):
// - `direct` (a regular file, or a character device that is not a terminal, such as /dev/null): one
//   write(2) at once. A file takes it from the page cache; going through libuv's thread pool instead
//   cost ~33 µs of CPU a piece against ~6.5 µs (docs/benchmarks.md "Log output, round thirteen"), and
//   took a pool thread that DNS lookups share.
// - `queued` (a pipe, a socket, a terminal): written by the thread pool, one write at a time; what
//   comes meanwhile waits, at most `maxPendingBytes` (log-loss.ts), and past it a piece is dropped
//   whole and counted. A reader that is full (EAGAIN) is tried again after `retryWaitMs`.
//
// A write that fails (ENOSPC on a full disk, EPIPE once the reader is gone, EIO) loses its piece,
// counted in the tally with the error's code, and the next piece is tried as usual: the log never
// throws into a request, never crashes the process and never retries a failed write for ever.
// (sonic-boom, pino's destination, re-emitted such errors as an unhandled 'error' event, and its
// flushSync at exit retried them every 100 ms without end: with stdout on a full disk Sluice
// crashed and then never exited.)
import { closeSync, fstatSync, write, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { LogDestination } from './batch-log-lines.ts';
import type { LogLoss } from './log-loss.ts';

export type LogWriting = 'direct' | 'queued';

export interface LogOutputPolicy {
  /** The most bytes waiting (or in flight) for a queued descriptor; a piece past it is dropped. */
  maxPendingBytes: number;
  /** How long a full reader (EAGAIN) is left before the write is tried again. */
  retryWaitMs: number;
  /** How long flushSync (at exit) waits on a full reader before the rest counts as lost. */
  exitWaitMs: number;
  /** How long a flush's callback waits for what is queued before it is called anyway. */
  flushWaitMs: number;
}

export const defaultLogOutputPolicy: Omit<LogOutputPolicy, 'maxPendingBytes'> = { retryWaitMs: 100, exitWaitMs: 1000, flushWaitMs: 2000 };

interface DescriptorKind {
  isFile(): boolean;
  isCharacterDevice(): boolean;
}

/** `direct` for a regular file or a character device that is not a terminal; `queued` for anything else. */
export function chooseLogWriting(kind: DescriptorKind, terminal: boolean): LogWriting {
  return kind.isFile() || (kind.isCharacterDevice() && !terminal) ? 'direct' : 'queued';
}

/** How `fd` is written; a descriptor that cannot be examined is queued (its writes fail and are counted). */
export function findLogWriting(fd: number): LogWriting {
  try {
    return chooseLogWriting(fstatSync(fd), isatty(fd));
  } catch {
    return 'queued';
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'an error';
}

function mustWait(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'EAGAIN' || code === 'EBUSY';
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class LogOutput implements LogDestination {
  readonly fd: number;
  readonly writing: LogWriting;
  readonly #policy: LogOutputPolicy;
  readonly #loss: LogLoss;
  /** Queued pieces not yet started. */
  #pending: string[] = [];
  /** Bytes of the pending pieces and of the write in flight. */
  #heldBytes = 0;
  /** What is being written (the rest of it after a partial write). */
  #current: Buffer | undefined;
  /** Whether a thread-pool write of #current is outstanding (not only waiting to be tried again). */
  #outstanding = false;
  #retry: NodeJS.Timeout | undefined;
  #flushWaiters: ((error?: Error) => void)[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #ending = false;
  #closed = false;
  /** flushSync ran (the process is exiting): a write the thread pool still had then is not tried again. */
  #exiting = false;

  constructor(fd: number, loss: LogLoss, policy: LogOutputPolicy, writing: LogWriting = findLogWriting(fd)) {
    this.fd = fd;
    this.writing = writing;
    this.#loss = loss;
    this.#policy = policy;
  }

  write(piece: string): boolean {
    if (this.#closed) {
      this.#loss.dropped(piece, 'the log was closed');
      return false;
    }
    if (this.writing === 'direct') return this.#writeNow(piece);
    const bytes = Buffer.byteLength(piece);
    if (this.#heldBytes + bytes > this.#policy.maxPendingBytes) {
      this.#loss.dropped(piece, `stdout fell more than ${String(this.#policy.maxPendingBytes)} bytes behind the log`);
      return false;
    }
    this.#pending.push(piece);
    this.#heldBytes += bytes;
    if (this.#current === undefined) this.#startNext();
    return true;
  }

  /** Calls back once nothing is queued (all written or lost), or after `flushWaitMs` at the latest. */
  flush(callback?: (error?: Error) => void): void {
    if (callback === undefined) return;
    if (this.#isIdle()) {
      process.nextTick(callback);
      return;
    }
    this.#flushWaiters.push(callback);
    this.#flushTimer ??= setTimeout(() => {
      this.#callFlushWaiters();
    }, this.#policy.flushWaitMs);
  }

  /** Writes what is queued at once (at exit), waiting at most `exitWaitMs` on a full reader. */
  flushSync(): void {
    if (this.writing === 'direct' || this.#closed) return;
    this.#exiting = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const waiting = this.#pending.join('');
    this.#pending = [];
    // A write still with the thread pool finishes there; one only waiting for its retry goes first.
    let rest = Buffer.concat([this.#outstanding || this.#current === undefined ? Buffer.alloc(0) : this.#current, Buffer.from(waiting)]);
    if (!this.#outstanding) {
      this.#current = undefined;
      this.#heldBytes = 0;
    } else {
      this.#heldBytes = this.#current?.length ?? 0;
    }
    let waitedMs = 0;
    while (rest.length > 0) {
      try {
        const written = writeSync(this.fd, rest);
        if (written === 0) throw Object.assign(new Error('nothing was written'), { code: 'EIO' });
        rest = rest.subarray(written);
      } catch (error) {
        if (!mustWait(error) || waitedMs >= this.#policy.exitWaitMs) {
          this.#loss.dropped(rest.toString(), mustWait(error) ? 'stdout was still full at exit' : `stdout refused them (${codeOf(error)})`);
          return;
        }
        Atomics.wait(sleeper, 0, 0, this.#policy.retryWaitMs);
        waitedMs += this.#policy.retryWaitMs;
      }
    }
    this.#loss.accepted();
  }

  end(): void {
    this.#ending = true;
    if (this.#isIdle()) this.#close();
  }

  #isIdle(): boolean {
    return this.#current === undefined && this.#pending.length === 0;
  }

  #writeNow(piece: string): boolean {
    let rest: Buffer | undefined;
    try {
      const written = writeSync(this.fd, piece);
      // A regular file takes the whole piece unless it is failing; the rest of a partial write is tried until it errs.
      if (written < Buffer.byteLength(piece)) {
        rest = Buffer.from(piece).subarray(written);
        while (rest.length > 0) {
          const more = writeSync(this.fd, rest);
          if (more === 0) throw Object.assign(new Error('nothing was written'), { code: 'EIO' });
          rest = rest.subarray(more);
        }
      }
    } catch (error) {
      this.#loss.dropped(rest?.toString() ?? piece, `stdout refused them (${codeOf(error)})`);
      return false;
    }
    this.#loss.accepted();
    return true;
  }

  #startNext(): void {
    const piece = this.#pending.length === 1 ? (this.#pending[0] ?? '') : this.#pending.join('');
    this.#pending = [];
    this.#current = Buffer.from(piece);
    this.#issue();
  }

  readonly #issue = (): void => {
    this.#retry = undefined;
    const current = this.#current;
    if (current === undefined) return;
    this.#outstanding = true;
    write(this.fd, current, 0, current.length, null, this.#written);
  };

  readonly #written = (error: NodeJS.ErrnoException | null, bytes: number): void => {
    this.#outstanding = false;
    const current = this.#current;
    // flushSync took it meanwhile, or the output was closed.
    if (current === undefined) return;
    // After flushSync (at exit) the reader had its exitWaitMs: a write that comes back full is not tried again, but lost and counted below.
    if (error !== null && mustWait(error) && !this.#closed && !this.#exiting) {
      this.#retry = setTimeout(this.#issue, this.#policy.retryWaitMs).unref();
      return;
    }
    if (error === null && bytes > 0 && bytes < current.length) {
      this.#heldBytes -= bytes;
      this.#current = current.subarray(bytes);
      this.#issue();
      return;
    }
    this.#heldBytes -= current.length;
    this.#current = undefined;
    if (this.#pending.length > 0) this.#startNext();
    else this.#settle();
    if (error === null && bytes > 0) this.#loss.accepted();
    else if (this.#exiting && mustWait(error)) this.#loss.dropped(current.toString(), 'stdout was still full at exit');
    else this.#loss.dropped(current.toString(), `stdout refused them (${error === null ? 'EIO' : codeOf(error)})`);
  };

  /** Nothing queued: flush callbacks, and the descriptor closed if the output was ended. */
  #settle(): void {
    this.#callFlushWaiters();
    if (this.#ending) this.#close();
  }

  #callFlushWaiters(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const waiter of waiters) waiter();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#callFlushWaiters();
    // stdout and stderr stay open: other code may still write to them.
    if (this.fd > 2) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed.
      }
    }
  }
}
