import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StoreHealth } from './store-health.ts';

function health() {
  let now = 0;
  let probes = 0;
  let failWith: Error | undefined;
  let fileChange: string | undefined;
  const store = {
    probeWrite: () => {
      probes += 1;
      return failWith === undefined ? Promise.resolve() : Promise.reject(failWith);
    },
    findFileChange: () => fileChange,
  };
  const checker = new StoreHealth(store, pino({ level: 'silent' }), { now: () => now, policy: { probeIntervalMs: 5000 } });
  return {
    checker,
    probes: () => probes,
    advance: (ms: number) => (now += ms),
    fail: (error: Error | undefined) => (failWith = error),
    changeFile: (change: string | undefined) => (fileChange = change),
  };
}

describe('StoreHealth', () => {
  it('probes at most once per interval, concurrent readers sharing one probe', async () => {
    const { checker, probes, advance } = health();
    await Promise.all([checker.read(), checker.read(), checker.read()]);
    await checker.read();
    expect(probes()).toBe(1);
    advance(5000);
    await checker.read();
    expect(probes()).toBe(2);
  });

  it('reports the probe’s own error until a later probe succeeds', async () => {
    const { checker, advance, fail } = health();
    fail(new Error('attempt to write a readonly database'));
    expect(await checker.read()).toEqual({ writable: false, reason: 'attempt to write a readonly database' });
    fail(undefined);
    expect((await checker.read()).writable).toBe(false);
    advance(5000);
    expect(await checker.read()).toEqual({ writable: true });
  });

  it('takes a failed real write at once, and a changed file on every read without waiting for a probe', async () => {
    const { checker, changeFile } = health();
    await checker.read();
    checker.reportFailure(new Error('database or disk is full'));
    expect(await checker.read()).toEqual({ writable: false, reason: 'database or disk is full' });
    changeFile('the database file /d/sluice.db was deleted while Sluice ran');
    expect((await checker.read()).reason).toMatch(/was deleted/);
  });
});
