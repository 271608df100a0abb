import { describe, expect, it } from 'vitest';
import { linkAbort, sleep, startWatchdog } from './abort.ts';

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
