// The log's way out (log-output.ts): a file written at once, a pipe queued and bounded, and an output
// that fails (a full disk, a reader gone) costs counted lines — never a throw, a crash or a hang.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStalledPipe } from '../../test/support/stalled-pipe.ts';
import { LogLoss } from './log-loss.ts';
import { chooseLogWriting, defaultLogOutputPolicy, findLogWriting, LogOutput, type LogOutputPolicy } from './log-output.ts';

const policy: LogOutputPolicy = { ...defaultLogOutputPolicy, maxPendingBytes: 1024 * 1024 };
const piece = (index: number): string => `${JSON.stringify({ n: index, pad: 'x'.repeat(600) })}\n`.repeat(6);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-log-output-'));
  cleanups.push(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

/** A FIFO whose reader has gone: every write meets EPIPE (Node ignores SIGPIPE). */
function openOrphanedPipe(): number {
  const path = join(tempFolder(), 'stdout');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  closeSync(reader);
  return writer;
}

describe('chooseLogWriting', () => {
  const kind = (file: boolean, characterDevice: boolean) => ({ isFile: () => file, isCharacterDevice: () => characterDevice });
  it('writes a file or a device that is not a terminal at once, and queues pipes, sockets and terminals', () => {
    expect(chooseLogWriting(kind(true, false), false)).toBe('direct');
    expect(chooseLogWriting(kind(false, true), false)).toBe('direct');
    expect(chooseLogWriting(kind(false, true), true)).toBe('queued');
    expect(chooseLogWriting(kind(false, false), false)).toBe('queued');
  });

  it('tells them apart on real descriptors', () => {
    const file = openSync(join(tempFolder(), 'log'), 'w');
    const devNull = openSync('/dev/null', 'w');
    const pipe = openStalledPipe();
    try {
      expect(findLogWriting(file)).toBe('direct');
      expect(findLogWriting(devNull)).toBe('direct');
      expect(findLogWriting(pipe.writer)).toBe('queued');
      // A descriptor that is not open: queued, and its writes fail and are counted.
      expect(findLogWriting(987_654)).toBe('queued');
    } finally {
      closeSync(file);
      closeSync(devNull);
      closeSync(pipe.writer);
    }
  });
});

describe('LogOutput', () => {
  it('writes a piece to a file before the write returns, in order', () => {
    const path = join(tempFolder(), 'log');
    const output = new LogOutput(openSync(path, 'w'), new LogLoss(), policy);
    expect(output.writing).toBe('direct');
    const pieces = Array.from({ length: 200 }, (_, index) => piece(index));
    for (const each of pieces) expect(output.write(each)).toBe(true);
    // Queued, only the first piece could be with the thread pool by now: the rest wait for its callback.
    expect(readFileSync(path, 'utf8')).toBe(pieces.join(''));
    output.end();
  });

  it('counts what a full disk refuses, with the reason, and goes on once it takes pieces again', () => {
    const loss = new LogLoss();
    const reports: string[] = [];
    loss.onRecovered = (lines, reason) => reports.push(`${String(lines)}: ${reason}`);
    const full = new LogOutput(openSync('/dev/full', 'w'), loss, policy);
    expect(full.writing).toBe('direct');
    for (let index = 0; index < 5; index += 1) expect(full.write(piece(index))).toBe(false);
    full.flushSync();
    full.end();
    expect(loss.lines).toBe(30);
    // The same tally on a writable file: the first piece through reports the loss once.
    const file = new LogOutput(openSync(join(tempFolder(), 'log'), 'w'), loss, policy);
    file.write(piece(5));
    file.write(piece(6));
    file.end();
    expect(reports).toEqual(['30: stdout refused them (ENOSPC)']);
  });

  it('counts what a pipe whose reader is gone refuses, without an error event or a throw', async () => {
    const loss = new LogLoss();
    const output = new LogOutput(openOrphanedPipe(), loss, policy);
    expect(output.writing).toBe('queued');
    for (let index = 0; index < 4; index += 1) output.write(piece(index));
    await new Promise<void>((resolve) => { output.flush(() => { resolve(); }); });
    expect(loss.lines).toBe(24);
    // One piece with the thread pool, one waiting: flushSync writes the waiting one at once and counts it.
    output.write(piece(4));
    output.write(piece(5));
    output.flushSync();
    expect(loss.lines).toBe(30);
    await new Promise<void>((resolve) => { output.flush(() => { resolve(); }); });
    expect(loss.lines).toBe(36);
    output.end();
  });

  it('gives up on a reader that stays full: at exit after exitWaitMs, a flush callback after flushWaitMs', async () => {
    const pipe = openStalledPipe();
    const loss = new LogLoss();
    const output = new LogOutput(pipe.writer, loss, { ...policy, retryWaitMs: 20, exitWaitMs: 200, flushWaitMs: 300 });
    try {
      // ~1.1 MB against a pipe of 64 KiB and a bound of 1 MiB: the pipe fills, the rest waits or is dropped.
      for (let index = 0; index < 300; index += 1) output.write(piece(index));
      const dropped = loss.lines;
      expect(dropped).toBeGreaterThan(0);
      let started = performance.now();
      await new Promise<void>((resolve) => { output.flush(() => { resolve(); }); });
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(performance.now() - started).toBeLessThan(2000);
      started = performance.now();
      output.flushSync();
      expect(performance.now() - started).toBeLessThan(1500);
      // Everything that waited is now counted as lost, beside what the bound dropped: at once, or, for a
      // write the thread pool still had when flushSync ran, when it comes back full.
      await vi.waitFor(() => { expect(loss.lines).toBeGreaterThan(dropped); }, { timeout: 2000, interval: 10 });
      // Every line is read or counted (a line a partial write cut is both).
      const read = pipe.readAvailable().split('\n').filter((line) => line !== '').length;
      expect(read + loss.lines).toBeGreaterThanOrEqual(300 * 6);
      expect(read + loss.lines).toBeLessThanOrEqual(300 * 6 + 2);
    } finally {
      output.end();
      pipe.readAvailable();
      await pipe.close(undefined);
    }
  });
  it('counts as lost a write the thread pool still had when flushSync ran, once it comes back full', async () => {
    const pipe = openStalledPipe();
    const loss = new LogLoss();
    const output = new LogOutput(pipe.writer, loss, { ...policy, retryWaitMs: 20, exitWaitMs: 40 });
    try {
      // The pipe full before the output writes at all: its first write, with the thread pool, meets EAGAIN.
      const filler = Buffer.alloc(4096, 0x2e);
      for (;;) {
        try {
          writeSync(pipe.writer, filler);
        } catch {
          break;
        }
      }
      output.write(piece(0));
      // flushSync while that write is still with the thread pool: it takes nothing of it.
      output.flushSync();
      expect(loss.lines).toBe(0);
      await vi.waitFor(() => { expect(loss.lines).toBe(6); }, { timeout: 2000, interval: 10 });
    } finally {
      output.end();
      pipe.readAvailable();
      await pipe.close(undefined);
    }
  });
});
