// The log's bound on what waits for stdout: a reader that stalls costs whole pieces, counted, and a
// warning once it reads again — never memory without end (sonic-boom's maxLength was unset before
// round twelve).
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openStalledPipe } from '../../test/support/stalled-pipe.ts';
import { LineBatch, type LogDestination } from './batch-log-lines.ts';
import { LogLoss } from './log-loss.ts';
import { createLogger, readLogLoss } from './start-sluice.ts';

/** A destination that refuses pieces while `blocked`, telling the tally as log-output.ts LogOutput does. */
function stallingTarget(loss: LogLoss): LogDestination & { blocked: boolean; taken: string[] } {
  const target = {
    blocked: false,
    taken: [] as string[],
    write(piece: string) {
      if (target.blocked) {
        loss.dropped(piece, 'blocked');
        return false;
      }
      target.taken.push(piece);
      loss.accepted();
      return true;
    },
    flush(callback?: (error?: Error) => void) {
      callback?.();
    },
    flushSync() {},
    end() {},
  };
  return target;
}

describe('LogLoss', () => {
  it('counts the lines of each refused piece and reports them once, when a piece gets through again', () => {
    const loss = new LogLoss();
    const reports: string[] = [];
    loss.onRecovered = (lines, reason) => reports.push(`${String(lines)} ${reason}`);
    const target = stallingTarget(loss);
    const logger = pino({ base: null, timestamp: false }, new LineBatch(target, { batchChars: 1000 }));
    for (let n = 0; n < 10; n += 1) logger.info({ n, pad: 'x'.repeat(300) }, 'kept');
    target.blocked = true;
    for (let n = 10; n < 40; n += 1) logger.info({ n, pad: 'x'.repeat(300) }, 'lost');
    expect(reports).toEqual([]);
    const lost = loss.lines;
    // 30 lines of ~330 characters in pieces of ≥1,000: all but the few still waiting in the batch.
    expect(lost).toBeGreaterThanOrEqual(27);
    expect(lost).toBeLessThanOrEqual(30);
    target.blocked = false;
    for (let n = 40; n < 50; n += 1) logger.info({ n, pad: 'x'.repeat(300) }, 'kept');
    logger.flush();
    expect(reports).toEqual([`${String(lost)} blocked`]);
    const lines = target.taken.join('').trim().split('\n').map((line) => JSON.parse(line) as { n: number });
    // What got through is in order, and nothing is counted twice.
    const kept = lines.map((line) => line.n);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.length + lost).toBe(50);
    loss.accepted();
    expect(reports).toEqual([`${String(lost)} blocked`]);
  });

  it('holds at most its bound for a stdout nobody reads, and says what it lost once the reader catches up', async () => {
    const pipe = openStalledPipe();
    const maxPendingBytes = 256 * 1024;
    const logger = createLogger({ logLevel: 'info' }, { fd: pipe.writer, maxPendingBytes });
    // The test run may set LOG_LEVEL (silent); these lines are the test's own.
    logger.level = 'info';
    const loss = readLogLoss(logger);
    try {
      // ~1.3 MB of lines against a pipe of 64 KiB and a bound of 256 KiB; nobody reads yet.
      for (let n = 0; n < 2000; n += 1) logger.info({ n, pad: 'x'.repeat(600) }, 'line');
      expect(loss).toBeDefined();
      const lost = loss?.lines ?? 0;
      // At most the pipe and the bound are kept: ~(64 + 256) KiB of ~650-byte lines, ~500 lines.
      expect(lost).toBeGreaterThan(1000);
      expect(lost).toBeLessThan(2000);
      let text = '';
      let rounds = 0;
      for (; rounds < 100 && !text.includes('log lines were dropped'); rounds += 1) {
        text += pipe.readAvailable();
        logger.info({ round: rounds }, 'after');
        logger.flush();
        await sleep(50);
      }
      text += pipe.readAvailable();
      const lines = text.trim().split('\n').map((line) => JSON.parse(line) as { n?: number; lost_lines?: number; msg: string });
      const warnings = lines.filter((line) => line.lost_lines !== undefined);
      // One loss, told once: the lines lost while the reader stalled (some still waiting in the batch then).
      expect(warnings.map((line) => line.lost_lines)).toEqual([loss?.lines]);
      expect(loss?.lines).toBeGreaterThanOrEqual(lost);
      expect(warnings[0]?.msg).toBe(`${String(loss?.lines)} log lines were dropped: stdout fell more than ${String(maxPendingBytes)} bytes behind the log (sluice_log_lines_dropped_total)`);
      const kept = lines.flatMap((line) => (line.n === undefined ? [] : [line.n]));
      // The lines kept come first, whole and in order; every line written is read or counted.
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, index) => index));
      expect(lines.length - warnings.length + (loss?.lines ?? 0)).toBe(2000 + rounds);
    } finally {
      await pipe.close(logger);
    }
  });
});
