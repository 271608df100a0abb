import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createLazyChildLogger } from './lazy-child-logger.ts';

function capturedLogger(): { parent: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const parent = pino({ level: 'trace' }, sink);
  return { parent, lines: () => text.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the request logger made on first use', () => {
  it('makes no pino child until the request logs (a held stream keeps none)', () => {
    const { parent } = capturedLogger();
    const child = vi.spyOn(parent, 'child');
    const logger = createLazyChildLogger(parent, { request_id: 'req-1' }, {});
    expect(logger.level).toBe('trace');
    expect(child).not.toHaveBeenCalled();
    logger.warn('one');
    logger.error('two');
    expect(child).toHaveBeenCalledTimes(1);
  });

  it('writes the lines the pino child would, with the request id, at every level', () => {
    const { parent, lines } = capturedLogger();
    const logger = createLazyChildLogger(parent, { request_id: 'req-2' }, {});
    logger.trace('t');
    logger.debug({ code: 'x' }, 'd');
    logger.info('i %s', 'arg');
    logger.warn({ status: 400 }, 'w');
    logger.error({ err: new Error('boom') }, 'e');
    logger.fatal('f');
    logger.silent('s');
    logger.child({ more: 1 }).info('nested');
    const written = lines();
    expect(written.map((line) => [line.level, line.msg, line.request_id])).toEqual([
      [10, 't', 'req-2'],
      [20, 'd', 'req-2'],
      [30, 'i arg', 'req-2'],
      [40, 'w', 'req-2'],
      [50, 'e', 'req-2'],
      [60, 'f', 'req-2'],
      [30, 'nested', 'req-2'],
    ]);
    expect(written[1]?.code).toBe('x');
    expect(written[4]?.err).toMatchObject({ message: 'boom' });
    expect(written[6]?.more).toBe(1);
  });

  it('takes a level of its own as the pino child does', () => {
    const { parent, lines } = capturedLogger();
    const logger = createLazyChildLogger(parent, { request_id: 'req-3' }, { level: 'warn' });
    expect(logger.level).toBe('warn');
    logger.info('dropped');
    logger.level = 'info';
    logger.info('kept');
    expect(lines().map((line) => line.msg)).toEqual(['kept']);
  });
});
