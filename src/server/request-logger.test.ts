// fastify's per-request logger: made only when a request logs, with the same request_id binding.
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config/index.ts';
import { startSluice, type RunningSluice } from './start-sluice.ts';
import { RequestLogger } from './request-logger.ts';

function memoryLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void written.push(line) });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const running: RunningSluice[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sluice) => sluice.close()));
});

describe('RequestLogger', () => {
  it('makes its child only on its first line, with the bindings it was given', () => {
    const { logger, lines } = memoryLogger();
    const child = vi.spyOn(logger, 'child');
    const requestLog = new RequestLogger(logger, { request_id: 'req_1' });
    expect(requestLog.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
    requestLog.warn({ status: 404 }, 'unknown route');
    requestLog.info('second');
    requestLog.debug('below the level');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines()).toMatchObject([
      { level: 40, request_id: 'req_1', status: 404, msg: 'unknown route' },
      { level: 30, request_id: 'req_1', msg: 'second' },
    ]);
  });

  it('takes a level of its own, and makes grandchildren with both bindings', () => {
    const { logger, lines } = memoryLogger();
    const requestLog = new RequestLogger(logger, { request_id: 'req_2' }, { level: 'debug' });
    expect(requestLog.level).toBe('debug');
    requestLog.debug('shown');
    requestLog.child({ part: 'upload' }).info('nested');
    expect(lines()).toMatchObject([
      { level: 20, request_id: 'req_2', msg: 'shown' },
      { level: 30, request_id: 'req_2', part: 'upload', msg: 'nested' },
    ]);
  });
});

describe('request logging in Sluice', () => {
  it('makes no logger for a request that logs nothing, and logs a refusal with its request id', async () => {
    const { logger, lines } = memoryLogger();
    const config = parseConfig('channels: [{ name: echo, type: echo, models: [echo] }]', { file: 'sluice.yaml', env: {} });
    const sluice = await startSluice(config, { port: 0, store: 'sqlite::memory:', logger });
    running.push(sluice);
    const child = vi.spyOn(logger, 'child');
    for (let index = 0; index < 3; index += 1) {
      const answer = await fetch(`${sluice.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(answer.status).toBe(200);
      await answer.text();
    }
    expect(child).not.toHaveBeenCalled();
    const missing = await fetch(`${sluice.url}/v1/nowhere`);
    expect(missing.status).toBe(404);
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines().find((line) => line.msg === 'unknown route')).toMatchObject({ level: 40, request_id: missing.headers.get('x-request-id'), status: 404, url: '/v1/nowhere' });
  });
});
