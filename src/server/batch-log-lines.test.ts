import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { openStalledPipe } from '../../test/support/stalled-pipe.ts';
import { defaultLineBatchPolicy, LineBatch, type LogDestination } from './batch-log-lines.ts';

const defaultBatchChars = defaultLineBatchPolicy.batchChars;

function recordingTarget(): LogDestination & { writes: string[]; flushes: number } {
  const target = {
    writes: [] as string[],
    flushes: 0,
    write(data: string) {
      target.writes.push(data);
      return true;
    },
    flush(callback?: (error?: Error) => void) {
      target.flushes += 1;
      callback?.();
    },
    flushSync() {
      target.flushes += 1;
    },
    end() {
      target.flushes += 1;
    },
  };
  return target;
}

const requestLine = (index: number): string => `${JSON.stringify({ level: 30, request_id: `req_${String(index)}`, pad: 'x'.repeat(600) })}\n`;

describe('LineBatch', () => {
  it('hands lines on in pieces of batchChars (16 KiB), in order, pino lines among them', () => {
    const target = recordingTarget();
    const logger = pino({ base: null, timestamp: false }, new LineBatch(target));
    const direct: string[] = [];
    const reference = pino({ base: null, timestamp: false }, { write: (line: string) => direct.push(line) });
    for (let index = 0; index < 100; index += 1) {
      for (const each of [logger, reference]) {
        each.info({ request_id: `req_${String(index)}`, pad: 'x'.repeat(600) }, 'done');
        if (index % 7 === 0) each.warn('between');
      }
    }
    logger.flush();
    expect(target.writes.join('')).toBe(direct.join(''));
    // 100 lines of ~650 characters: one write per 16 KiB, not one per line.
    expect(target.writes.length).toBeLessThanOrEqual(Math.ceil(direct.join('').length / defaultBatchChars) + 1);
    expect(target.writes.slice(0, -1).every((piece) => piece.length >= defaultBatchChars)).toBe(true);
  });

  it('holds nothing back on flush, flushSync and end', () => {
    for (const finish of ['flush', 'flushSync', 'end'] as const) {
      const target = recordingTarget();
      const batch = new LineBatch(target);
      batch.write(requestLine(1));
      batch.write(requestLine(2));
      expect(target.writes).toEqual([]);
      batch[finish]();
      expect(target.writes).toEqual([requestLine(1) + requestLine(2)]);
      expect(target.flushes).toBe(1);
    }
  });

  it('hands a lone line on once it has waited maxWaitMs, with one timer however many lines wait', async () => {
    const target = recordingTarget();
    const batch = new LineBatch(target, { maxWaitMs: 30, batchChars: 4096 });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    batch.write(requestLine(1));
    batch.write(requestLine(2));
    expect(timers).toHaveBeenCalledTimes(1);
    timers.mockRestore();
    expect(target.writes).toEqual([]);
    await sleep(120);
    expect(target.writes).toEqual([requestLine(1) + requestLine(2)]);
    // A full piece goes at once; the rest of the wait's lines then wait for the next timer.
    for (let index = 3; index < 10; index += 1) batch.write(requestLine(index));
    expect(target.writes.length).toBe(2);
    await sleep(120);
    expect(target.writes.join('')).toBe(Array.from({ length: 9 }, (_, index) => requestLine(index + 1)).join(''));
    batch.end();
  });

  it("gets a quiet server's request line to stdout within the wait, without a flush", async () => {
    const pipe = openStalledPipe();
    const { createLogger } = await import('./start-sluice.ts');
    const logger = createLogger({ logLevel: 'info' }, { fd: pipe.writer });
    logger.level = 'info';
    try {
      logger.info({ request_id: 'req_1', status: 200 }, 'gpt-4o 200 12ms');
      let text = '';
      const started = performance.now();
      while (!text.endsWith('\n') && performance.now() - started < 2000) {
        await sleep(20);
        text += pipe.readAvailable();
      }
      expect(JSON.parse(text)).toMatchObject({ request_id: 'req_1', msg: 'gpt-4o 200 12ms' });
      // defaultLineBatchPolicy.maxWaitMs (200), and a write.
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await pipe.close(logger);
    }
  });

  it('writes what waits before the process exits, by process.exit or when the loop runs dry', () => {
    const startSluice = fileURLToPath(new URL('start-sluice.ts', import.meta.url));
    for (const ending of ['process.exit(0);', '']) {
      const script = `
        const { createLogger } = await import(${JSON.stringify(startSluice)});
        const logger = createLogger({ logLevel: 'info' });
        for (let i = 0; i < 3; i += 1) logger.info({ n: i }, 'line');
        ${ending}`;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, LOG_LEVEL: 'info' } });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { n: number }).n)).toEqual([0, 1, 2]);
    }
  });
});
