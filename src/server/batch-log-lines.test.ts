import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultBatchChars, LineBatch, type LogDestination } from './batch-log-lines.ts';

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
  it('hands lines on in ~4 KiB pieces, in order, pino lines among them', () => {
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
    // 100 lines of ~650 characters: one write per 4 KiB, not one per line.
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
