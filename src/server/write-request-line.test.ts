import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRequestRecord } from '../relay/request-record.ts';
import { createRequestLineWriter, requestLineFields, requestLineMessage } from './write-request-line.ts';

function sampleRecord(status: number) {
  const record = createRequestRecord('req_1', 'gpt-x', false);
  Object.assign(record, { channel: 'a', upstreamModel: 'gpt-x', upstreamStream: false, status, durationMs: 12.6, overheadMs: 0.25, errorMessage: status >= 400 ? 'bad "quote" \u2028' : undefined });
  record.attempts.push({ channel: 'a', upstreamModel: 'gpt-x', upstreamStream: false, status, errorCode: undefined, durationMs: 10, countsAgainstChannel: status >= 500 });
  record.capture = { clientRequest: 'secret body', clientResponse: '', attempts: [] };
  return record;
}

function capture(options: pino.LoggerOptions): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino(options, { write: (line: string) => lines.push(line) }), lines };
}

const withoutTime = (line: string | undefined): string => (line ?? '').replace(/"time":\d+/, '"time":0');

describe('createRequestLineWriter', () => {
  it('writes the line pino writes, byte for byte, at the level of the status, without the capture', () => {
    for (const options of [{ base: null }, {}, { level: 'warn' }] satisfies pino.LoggerOptions[]) {
      const fast = capture(options);
      const slow = capture(options);
      const child = fast.logger.child({ part: 'x' });
      const slowChild = slow.logger.child({ part: 'x' });
      for (const status of [200, 429, 502]) {
        const record = sampleRecord(status);
        createRequestLineWriter(child)(record, 'app');
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        slowChild[level](requestLineFields(record, 'app'), requestLineMessage(record));
      }
      expect(fast.lines.map(withoutTime)).toEqual(slow.lines.map(withoutTime));
      expect(fast.lines.join('')).not.toContain('secret body');
    }
  });

  it("holds every field of the record but its capture, in the record's order, then the key and the attempts", () => {
    const record = sampleRecord(502);
    record.cache = 'miss';
    const { attempts, capture: _capture, ...rest } = record;
    const fields = requestLineFields(record, 'app');
    expect(Object.keys(fields)).toEqual([...Object.keys(rest), 'key', 'attempts']);
    expect(fields).toEqual({ ...rest, key: 'app', attempts });
  });

  it('leaves a logger with its own hooks to pino', () => {
    const seen: unknown[] = [];
    const { logger, lines } = capture({ base: null, hooks: { logMethod(args, method) { seen.push(args[1]); method.apply(this, args); } } });
    createRequestLineWriter(logger)(sampleRecord(200), undefined);
    expect(seen).toEqual(['gpt-x 200 13ms']);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, msg: 'gpt-x 200 13ms', status: 200 });
  });
});
