import { describe, expect, it } from 'vitest';
import type { SharedRedisClient } from './open-redis.ts';
import { SharedStateStatus, type DegradedWhat } from './shared-state-status.ts';
import { keyIdOf, readVerdict, SharedVerdicts } from './shared-verdicts.ts';

function verdictsWhileDown() {
  const degraded: DegradedWhat[] = [];
  const status = new SharedStateStatus({ onTransition: () => undefined, onDegraded: (what) => { degraded.push(what); } }, () => 0, 1000);
  // Never connected: no command may be sent, so the client is never touched.
  const verdicts = new SharedVerdicts({ client: null as unknown as SharedRedisClient, status, keyPrefix: 'sluice:', instance: 'me', commandTimeoutMs: 100, onError: () => undefined });
  return { verdicts, degraded };
}

describe('SharedVerdicts', () => {
  it('keeps verdicts to this instance while Redis is down, counted as degraded', async () => {
    const { verdicts, degraded } = verdictsWhileDown();
    verdicts.shareRefusal({ channel: 'a', keyId: keyIdOf('a', 'k'), reason: 'HTTP 401', status: 401, remainingMs: 1000 });
    expect(await verdicts.claimHealth('a', 200)).toBe('local');
    expect(degraded).toEqual(['key_refusal', 'health']);
  });

  it('names a key by a hash of its channel and value, never the value', () => {
    expect(keyIdOf('a', 'sk-secret')).toMatch(/^[0-9a-f]{32}$/);
    expect(keyIdOf('a', 'sk-secret')).not.toBe(keyIdOf('b', 'sk-secret'));
  });

  it('reads its own messages and records, and nothing else', () => {
    expect(readVerdict(JSON.stringify({ k: 'key', c: 'a', h: 'id', r: 'HTTP 401', s: 401, ms: 500, o: 'peer' }))).toEqual({ from: 'peer', refusal: { channel: 'a', keyId: 'id', reason: 'HTTP 401', status: 401, remainingMs: 500 } });
    expect(readVerdict(JSON.stringify({ k: 'key', c: 'a', h: 'id', r: 'x' }), 250)?.refusal?.remainingMs).toBe(250);
    expect(readVerdict(JSON.stringify({ k: 'health', c: 'a', m: 'm', up: false, ms: 200, o: 'peer' }))).toEqual({ from: 'peer', health: { channel: 'a', model: 'm', up: false, holdMs: 200 } });
    for (const text of ['', 'null', '{"k":"key","c":"a","h":"id","ms":0}', '{"k":"health","c":"a","m":"m","ms":5}', '{"k":"other","c":"a","ms":5}', 'not json']) expect(readVerdict(text), text).toBeUndefined();
  });
});
