import { describe, expect, it } from 'vitest';
import { maxPayloadNameLength, readChangePayload, writeChangePayload } from './record-change.ts';

describe('change payloads', () => {
  it('carry what changed and its version, and read back', () => {
    const change = { version: 7, origin: 'o-1', topic: 'capability' as const, name: 'xai', model: 'grok-2-1212' };
    const payload = writeChangePayload(change);
    expect(JSON.parse(payload)).toEqual({ v: 7, o: 'o-1', t: 'capability', n: 'xai', m: 'grok-2-1212' });
    expect(readChangePayload(payload)).toEqual(change);
  });

  it('cut long names, which then read as the whole topic', () => {
    const payload = writeChangePayload({ version: 1, origin: 'o', topic: 'channel', name: 'x'.repeat(10_000), model: undefined });
    expect(payload.length).toBeLessThan(maxPayloadNameLength + 100);
    expect(readChangePayload(payload)).toEqual({ version: 1, origin: 'o', topic: 'channel', name: undefined, model: undefined });
  });

  it('refuse what is not a change', () => {
    for (const text of ['', 'null', '[]', '{"v":1,"o":"o","t":"other"}', '{"o":"o","t":"key"}', 'not json']) expect(readChangePayload(text)).toBeUndefined();
  });
});
