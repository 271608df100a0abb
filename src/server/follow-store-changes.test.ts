import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChangeFeed, ChangeListener, StoreChange } from '../store/index.ts';
import { followStoreChanges, type ChangeTargets, type PropagationPolicy } from './follow-store-changes.ts';

const logger = pino({ level: 'silent' });
const policy: PropagationPolicy = { pollMs: 20, listen: true, reconnectMinMs: 10, reconnectMaxMs: 10, connectTimeoutMs: 100 };

function createFeed(version: { now: number }) {
  let listener: ChangeListener | undefined;
  const feed: ChangeFeed = {
    origin: 'self',
    readVersion: () => Promise.resolve(version.now),
    listen: (given) => {
      listener = given;
      return { isListening: () => true, close: () => Promise.resolve() };
    },
  };
  return { feed, send: (change: Partial<StoreChange>) => listener?.onChange({ version: 1, origin: 'peer', topic: 'channel', name: undefined, model: undefined, ...change }) };
}

function recordTargets(calls: string[], failKeys = { count: 0 }): ChangeTargets {
  return {
    reloadChannels: () => { calls.push('channels'); return Promise.resolve(); },
    refreshKeys: () => {
      calls.push('keys');
      if (failKeys.count > 0) {
        failKeys.count -= 1;
        return Promise.reject(new Error('store down'));
      }
      return Promise.resolve();
    },
    reloadCapabilities: (channel, model) => { calls.push(channel === undefined ? 'capabilities' : `capabilities ${channel}/${model ?? '*'}`); return Promise.resolve(); },
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most 2 s) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check() && waited < 2_000; waited += 5) await settle(5);
}

describe('followStoreChanges', () => {
  it('applies a peer\'s change by topic, skips its own, and polls only past the applied version', async () => {
    const version = { now: 0 };
    const { feed, send } = createFeed(version);
    const calls: string[] = [];
    const follower = followStoreChanges(feed, recordTargets(calls), logger, { ...policy, pollMs: 1_000_000 });
    send({ version: 1, topic: 'key', name: 'id-1' });
    send({ version: 2, topic: 'capability', name: 'xai', model: 'grok' });
    send({ version: 3, origin: 'self', topic: 'channel' });
    await until(() => calls.length >= 2);
    await settle(10);
    expect(calls).toEqual(['keys', 'capabilities xai/grok']);
    await follower.close();
  });

  it('reloads everything when the poll sees a version it did not apply, and again after a failed reload', async () => {
    const version = { now: 5 };
    const { feed } = createFeed(version);
    const calls: string[] = [];
    const follower = followStoreChanges(feed, recordTargets(calls, { count: 1 }), logger, { ...policy, listen: false });
    // First poll: the reload fails at the keys; the next poll tries again although the version did not move.
    await until(() => follower.fullReloads() === 1);
    expect(calls.slice(0, 5)).toEqual(['channels', 'keys', 'channels', 'keys', 'capabilities']);
    const reloads = follower.fullReloads();
    expect(reloads).toBe(1);
    await settle(50);
    expect(follower.fullReloads()).toBe(reloads);
    version.now = 6;
    await until(() => follower.fullReloads() > reloads);
    expect(follower.fullReloads()).toBe(reloads + 1);
    await follower.close();
  });
});
