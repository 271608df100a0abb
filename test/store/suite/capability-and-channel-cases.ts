// The CapabilityStore and ChannelStore parts of the store suite.
import { describe, expect, it } from 'vitest';
import type { LearnedCapability } from '../../../src/store/ports.ts';
import type { SuiteContext } from './suite-context.ts';

function learned(overrides: Partial<LearnedCapability>): LearnedCapability {
  return {
    channel: 'xai',
    model: 'grok-2-1212',
    capability: 'stream_options',
    value: false,
    evidence: '400 Argument not supported: stream_options',
    learnedAt: 1_000,
    recheckAt: undefined,
    ...overrides,
  };
}

export function describeCapabilityCases(context: SuiteContext): void {
  describe('learned capabilities', () => {
    it('inserts, then replaces the value learned for the same channel, model and capability', async () => {
      const { capabilities } = context.store();
      await capabilities.upsert(learned({}));
      await capabilities.upsert(learned({ capability: 'drop_fields', value: ['logprobs', 'seed'] }));
      await capabilities.upsert(learned({ value: true, evidence: 'probe: stream with include_usage worked', learnedAt: 2_000, recheckAt: 9_000 }));
      expect(await capabilities.list()).toStrictEqual([
        learned({ capability: 'drop_fields', value: ['logprobs', 'seed'] }),
        learned({ value: true, evidence: 'probe: stream with include_usage worked', learnedAt: 2_000, recheckAt: 9_000 }),
      ]);
    });

    it('lists by channel, forgets one capability or a whole model, and finds those due for a recheck', async () => {
      const { capabilities } = context.store();
      await capabilities.upsert(learned({ recheckAt: 5_000 }));
      await capabilities.upsert(learned({ capability: 'stream', value: 'supported', recheckAt: 3_000 }));
      await capabilities.upsert(learned({ channel: 'dashscope', model: 'qwq-plus', capability: 'stream', value: 'required', recheckAt: 4_000 }));
      await capabilities.upsert(learned({ channel: 'azure', model: 'o3-mini', capability: 'stream', value: 'unsupported' }));
      expect((await capabilities.list('xai')).map((row) => row.capability)).toEqual(['stream', 'stream_options']);
      expect((await capabilities.listDue(4_000)).map((row) => `${row.channel}/${row.capability}`)).toEqual(['xai/stream', 'dashscope/stream']);
      expect(await capabilities.delete('xai', 'grok-2-1212', 'stream')).toBe(1);
      expect(await capabilities.delete('xai', 'grok-2-1212')).toBe(1);
      expect(await capabilities.delete('xai', 'grok-2-1212')).toBe(0);
      expect((await capabilities.list()).map((row) => row.channel)).toEqual(['azure', 'dashscope']);
    });
  });
}

export function describeChannelCases(context: SuiteContext): void {
  describe('stored channels', () => {
    it('creates, reads, lists, updates and deletes channels by name', async () => {
      const { channels } = context.store();
      const config = { type: 'openai', base_url: 'https://api.x.ai/v1', api_key: 'xai-secret', overrides: { stream_options: null } };
      const created = await channels.create({ name: 'xai', config });
      expect(created).toStrictEqual({ name: 'xai', config, enabled: true, createdAt: context.now(), updatedAt: context.now() });
      await channels.create({ name: 'azure', config: { type: 'azure' }, enabled: false });
      expect(await channels.get('xai')).toStrictEqual(created);
      expect((await channels.list()).map((channel) => channel.name)).toEqual(['azure', 'xai']);
      context.advance(10);
      const updated = await channels.update('xai', { enabled: false, config: { type: 'openai', models: ['grok-2-1212'] } });
      expect(updated).toStrictEqual({ ...created, enabled: false, config: { type: 'openai', models: ['grok-2-1212'] }, updatedAt: created.createdAt + 10 });
      expect(await channels.update('ghost', { enabled: true })).toBeUndefined();
      expect(await channels.delete('xai')).toBe(true);
      expect(await channels.delete('xai')).toBe(false);
      expect(await channels.get('xai')).toBeUndefined();
    });

    it('refuses a second channel with the same name', async () => {
      const { channels } = context.store();
      await channels.create({ name: 'xai', config: {} });
      await expect(channels.create({ name: 'xai', config: {} })).rejects.toMatchObject({ name: 'StoreConflictError', field: 'name' });
    });
  });
}
