import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/channel.ts';
import { ChannelRegistry } from './channel-registry.ts';

const channel = (name: string, models: string[] = ['m']) => ({ name, models }) as unknown as Channel;
const names = (channels: readonly Channel[]) => channels.map((entry) => entry.name);

describe('ChannelRegistry', () => {
  it('starts at version 0 with the given channels, in order', () => {
    const registry = new ChannelRegistry([channel('a'), channel('b')]);
    expect(registry.snapshot().version).toBe(0);
    expect(names(registry.snapshot().channels)).toEqual(['a', 'b']);
  });

  it('never changes a snapshot already taken: a reader keeps the list it started with', () => {
    const registry = new ChannelRegistry([channel('a'), channel('b')]);
    const before = registry.snapshot();
    registry.replace([channel('c')]);
    registry.upsert(channel('d'));
    registry.remove('c');
    expect(names(before.channels)).toEqual(['a', 'b']);
    expect(before.version).toBe(0);
    expect(names(registry.snapshot().channels)).toEqual(['d']);
    expect(registry.snapshot().version).toBe(3);
  });

  it('freezes snapshots, so no reader can edit the shared list', () => {
    const snapshot = new ChannelRegistry([channel('a')]).snapshot();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.channels)).toBe(true);
    expect(() => (snapshot.channels as Channel[]).push(channel('x'))).toThrow(TypeError);
  });

  it('upserts in place (order kept) or appends a new name', () => {
    const registry = new ChannelRegistry([channel('a', ['m1']), channel('b')]);
    registry.upsert(channel('a', ['m2']));
    expect(names(registry.snapshot().channels)).toEqual(['a', 'b']);
    expect(registry.find('a')?.models).toEqual(['m2']);
    registry.upsert(channel('c'));
    expect(names(registry.snapshot().channels)).toEqual(['a', 'b', 'c']);
  });

  it('removing an unknown name keeps the snapshot and its version', () => {
    const registry = new ChannelRegistry([channel('a')]);
    const before = registry.snapshot();
    expect(registry.remove('nope')).toBe(before);
    expect(registry.remove('a').channels).toEqual([]);
    expect(registry.find('a')).toBeUndefined();
  });

  it('refuses two channels of one name and keeps the set it had', () => {
    const registry = new ChannelRegistry([channel('a')]);
    expect(() => registry.replace([channel('x'), channel('x')])).toThrow(/named 'x'/);
    expect(names(registry.snapshot().channels)).toEqual(['a']);
    expect(registry.snapshot().version).toBe(0);
    expect(() => new ChannelRegistry([channel('y'), channel('y')])).toThrow(/named 'y'/);
  });
});
