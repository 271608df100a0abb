import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followShutdown } from './follow-shutdown.ts';

const script = join(import.meta.dirname, '..', '..', 'test', 'support', 'measure-promoted-follows.ts');

function measurePromotedPerCycle(cycles: number, throughSet: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, String(cycles), ...(throughSet ? ['--set'] : [])], { timeout: 30_000 }, (error, stdout) => {
      if (error !== null) reject(new Error(`the child failed: ${error.message}`, { cause: error }));
      else resolve((JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { promotedPerCycle: number }).promotedPerCycle);
    });
  });
}

describe('followShutdown', () => {
  it('aborts the relays in flight with the shutdown reason, not those that left', () => {
    const shutdown = new AbortController();
    const follower = followShutdown(shutdown.signal);
    const [first, second, third] = [new AbortController(), new AbortController(), new AbortController()];
    const firstLink = follower.enter(first);
    follower.enter(second);
    const thirdLink = follower.enter(third);
    follower.leave(firstLink);
    follower.leave(thirdLink);
    follower.leave(thirdLink);
    shutdown.abort(new Error('shutting down'));
    expect([first.signal.aborted, second.signal.aborted, third.signal.aborted]).toEqual([false, true, false]);
    expect((second.signal.reason as Error).message).toBe('shutting down');
  });

  it('aborts a relay that enters after the shutdown at once, and follows nothing for it', () => {
    const shutdown = new AbortController();
    const follower = followShutdown(shutdown.signal);
    shutdown.abort(new Error('gone'));
    const late = new AbortController();
    const link = follower.enter(late);
    expect(link).toBeUndefined();
    expect((late.signal.reason as Error).message).toBe('gone');
    follower.leave(link);
  });

  // A long-lived Set reallocated its table on add and delete, and each table went to the old generation
  // (~120 B a request, freed only by a full collection): docs/benchmarks.md "Round twenty-five".
  it('leaves next to nothing in the old generation per request, where a Set left a table', async () => {
    const [follows, throughSet] = await Promise.all([measurePromotedPerCycle(20_000, false), measurePromotedPerCycle(20_000, true)]);
    expect(throughSet).toBeGreaterThan(20);
    expect(follows).toBeLessThan(4);
  });
});
