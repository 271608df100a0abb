import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/channel.ts';
import { findRoutes, listClientModels } from './find-routes.ts';

const channel = (name: string, models: string[], modelMap: Record<string, string> = {}, priority = 0) =>
  ({ name, models, modelMap, priority }) as unknown as Channel;

describe('findRoutes', () => {
  it('serves a listed model under its own name, a glob, and an alias under the mapped name', () => {
    const channels = [channel('a', ['grok-2-1212', 'qwq-*'], { grok: 'grok-2-1212' })];
    expect(findRoutes(channels, 'grok').map((route) => route.upstreamModel)).toEqual(['grok-2-1212']);
    expect(findRoutes(channels, 'qwq-plus').map((route) => route.upstreamModel)).toEqual(['qwq-plus']);
    expect(findRoutes(channels, 'gpt-4o')).toEqual([]);
  });

  it('lists every concrete model once, aliases included, globs left out', () => {
    const channels = [channel('b', ['m1', 'm2'], {}, 1), channel('a', ['m1', 'echo-*'], { alias: 'm1' }, 0)];
    const listed = listClientModels(channels);
    expect(listed.map((entry) => entry.model)).toEqual(['m1', 'alias', 'm2']);
    expect(listed[0]?.route.channel.name).toBe('a');
  });
});
