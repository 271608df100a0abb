import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { AbortNode, followAbort, linkAbort, sleep, startWatchdog, unfollowAbort, type AbortFollower } from './abort.ts';

describe('linkAbort', () => {
  it("aborts with the parent's reason, and on its own without touching the parent", () => {
    const parent = new AbortController();
    const child = linkAbort(parent.signal);
    child.abort('own');
    expect(child.signal.reason).toBe('own');
    expect(parent.signal.aborted).toBe(false);
    const second = linkAbort(parent.signal);
    parent.abort('parent');
    expect(second.signal.reason).toBe('parent');
  });

  it('follows every parent, with the reason of the first to abort, and is aborted at once by an aborted one', () => {
    const client = new AbortController();
    const shutdown = new AbortController();
    const child = linkAbort(client.signal, shutdown.signal);
    shutdown.abort('shutting down');
    client.abort('client gone');
    expect(child.signal.reason).toBe('shutting down');
    expect(linkAbort(new AbortController().signal, shutdown.signal).signal.reason).toBe('shutting down');
  });

  it('stops following after dispose', () => {
    const parent = new AbortController();
    const child = linkAbort(parent.signal);
    child.dispose();
    parent.abort('late');
    expect(child.signal.aborted).toBe(false);
  });
});

describe('AbortNode and followAbort', () => {
  const recorder = (): AbortFollower & { reasons: unknown[] } => {
    const reasons: unknown[] = [];
    return { reasons, followedAborted: (reason) => reasons.push(reason) };
  };

  it("hands a node's abort to its followers, once, with no listener on its signal", () => {
    const node = new AbortNode();
    const first = recorder();
    const second = recorder();
    const gone = recorder();
    followAbort(node.signal, first);
    followAbort(node.signal, second);
    followAbort(node.signal, gone);
    unfollowAbort(node.signal, gone);
    expect(getEventListeners(node.signal, 'abort')).toHaveLength(0);
    node.abort('client gone');
    node.abort('again');
    expect(first.reasons).toEqual(['client gone']);
    expect(second.reasons).toEqual(['client gone']);
    expect(gone.reasons).toEqual([]);
    expect(node.signal.reason).toBe('client gone');
  });

  it('still fires listeners added to a node’s signal the usual way', () => {
    const node = new AbortNode();
    const heard = vi.fn();
    node.signal.addEventListener('abort', heard, { once: true });
    node.abort('stop');
    expect(heard).toHaveBeenCalledOnce();
  });

  it('follows any other signal through a listener, removed again by unfollowAbort', () => {
    const plain = new AbortController();
    const follower = recorder();
    followAbort(plain.signal, follower);
    expect(getEventListeners(plain.signal, 'abort')).toHaveLength(1);
    unfollowAbort(plain.signal, follower);
    expect(getEventListeners(plain.signal, 'abort')).toHaveLength(0);
    followAbort(plain.signal, follower);
    plain.abort('late');
    expect(follower.reasons).toEqual(['late']);
    unfollowAbort(plain.signal, follower);
  });

  it('links a chain of nodes without listeners: a request, its deadline, an attempt', () => {
    const request = new AbortNode();
    const deadline = linkAbort(request.signal);
    const attempt = linkAbort(deadline.signal);
    const call = recorder();
    followAbort(attempt.signal, call);
    for (const signal of [request.signal, deadline.signal, attempt.signal]) expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    request.abort('client gone');
    expect([deadline.signal.reason, attempt.signal.reason, call.reasons]).toEqual(['client gone', 'client gone', ['client gone']]);
  });

  it('leaves the chain when disposed: a later abort of the parent reaches neither the link nor its followers', () => {
    const request = new AbortNode();
    const attempt = linkAbort(request.signal);
    const call = recorder();
    followAbort(attempt.signal, call);
    attempt.dispose();
    request.abort('late');
    expect(attempt.signal.aborted).toBe(false);
    expect(call.reasons).toEqual([]);
  });
});

describe('sleep', () => {
  it('resolves after the time, or rejects at once on abort', async () => {
    await sleep(1, new AbortController().signal);
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('startWatchdog', () => {
  it('fires when not kicked in time, and not while kicked', async () => {
    const fired: number[] = [];
    const watchdog = startWatchdog(30, (ms) => fired.push(ms));
    for (let i = 0; i < 4; i += 1) {
      await sleep(15, new AbortController().signal);
      watchdog.kick();
    }
    expect(fired).toEqual([]);
    watchdog.kick(10);
    await sleep(40, new AbortController().signal);
    expect(fired).toEqual([10]);
    watchdog.stop();
  });
});

describe('startWatchdog, held', () => {
  // A held stream keeps its watchdog to its end: no closure per watchdog for its timer (docs/benchmarks.md,
  // "Held stream, round nine").
  it('arms its timer with one shared function and itself as the argument', () => {
    const armed = vi.spyOn(globalThis, 'setTimeout');
    try {
      const one = startWatchdog(10_000, () => undefined, { ms: 20_000, onExpire: () => undefined });
      const other = startWatchdog(10_000, () => undefined);
      const [first, second] = armed.mock.calls.slice(-2) as unknown[][];
      expect(first?.[0]).toBe(second?.[0]);
      expect(first?.[2]).toBe(one);
      expect(second?.[2]).toBe(other);
      one.stop();
      other.stop();
    } finally {
      armed.mockRestore();
    }
  });
});

describe('startWatchdog with a limit', () => {
  const wait = (ms: number): Promise<void> => sleep(ms, new AbortController().signal);

  it('ends at the limit although kicked in time, with the limit’s callback, once', async () => {
    const fired: string[] = [];
    const watchdog = startWatchdog(1_000, (ms) => fired.push(`idle ${ms}`), { ms: 60, onExpire: (ms) => fired.push(`limit ${ms}`) });
    const started = performance.now();
    while (performance.now() - started < 150) {
      await wait(10);
      watchdog.kick();
    }
    expect(fired).toEqual(['limit 60']);
    watchdog.kick(5);
    await wait(30);
    expect(fired).toEqual(['limit 60']);
  });

  it('still ends a countdown that runs out before the limit', async () => {
    const fired: string[] = [];
    const watchdog = startWatchdog(20, (ms) => fired.push(`idle ${ms}`), { ms: 5_000, onExpire: (ms) => fired.push(`limit ${ms}`) });
    watchdog.kick(10);
    await wait(40);
    expect(fired).toEqual(['idle 10']);
    watchdog.stop();
  });

  it('fires nothing once stopped', async () => {
    const fired: number[] = [];
    const watchdog = startWatchdog(10, (ms) => fired.push(ms), { ms: 20, onExpire: (ms) => fired.push(ms) });
    watchdog.stop();
    watchdog.kick();
    await wait(40);
    expect(fired).toEqual([]);
  });
});
