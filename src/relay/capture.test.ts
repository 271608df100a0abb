import { describe, expect, it } from 'vitest';
import { streamOf } from '../lib/stream-of.ts';
import { capText, CappedText, maskHeaders, maskSecrets, teeBody } from './capture.ts';

describe('capture', () => {
  it('masks credential headers whatever their value, and known secrets anywhere', () => {
    const headers = { authorization: 'Bearer sk-live', 'api-key': 'abc', 'x-goog-api-key': 'g', cookie: 'session=1', 'x-custom': 'token sk-secret-123 inside', accept: 'text/event-stream' };
    expect(maskHeaders(headers, ['sk-secret-123'])).toEqual({ authorization: '***', 'api-key': '***', 'x-goog-api-key': '***', cookie: '***', 'x-custom': 'token *** inside', accept: 'text/event-stream' });
    expect(maskSecrets('https://x/v1beta/models/m:generateContent?key=AIza-secret', ['AIza-secret'])).toBe('https://x/v1beta/models/m:generateContent?key=***');
  });

  it('keeps the first bytes up to the cap and says it was truncated', () => {
    const buffer = new CappedText(5);
    buffer.append(Buffer.from('abc'));
    buffer.append(Buffer.from('defg'));
    expect([buffer.text, buffer.truncated]).toEqual(['abcde', true]);
    expect(capText('hello world', 5)).toBe('hello…[truncated]');
    expect(capText('hi', 5)).toBe('hi');
  });

  it('copies bytes as they pass without changing them', async () => {
    const sink = new CappedText(1024);
    const out: string[] = [];
    for await (const chunk of teeBody(streamOf([Buffer.from('data: 1\n\n'), Buffer.from('data: [DONE]\n\n')]), sink)) out.push(Buffer.from(chunk).toString());
    expect(out.join('')).toBe(sink.text);
  });
});
