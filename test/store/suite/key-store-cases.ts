// The KeyStore half of the store suite.
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../../src/store/hash-key.ts';
import type { StoreConflictError } from '../../../src/store/store-errors.ts';
import type { SuiteContext } from './suite-context.ts';

export function describeKeyStoreCases(context: SuiteContext): void {
  describe('keys', () => {
    it('returns the full key once and stores only its hash and a short prefix', async () => {
      const { keys } = context.store();
      const created = await keys.create({ name: 'app', models: ['gpt-*'], rpm: 60, tpm: 1000, quotaTokens: 500, expiresAt: 1_800_000_000_000 });
      expect(created.key).toMatch(/^sk-sluice-[\w-]{43}$/);
      expect(created.record.id).toMatch(/^[\da-f-]{36}$/);
      expect(created.record).toEqual({
        id: created.record.id,
        name: 'app',
        prefix: created.key.slice(0, 12),
        models: ['gpt-*'],
        rpm: 60,
        tpm: 1000,
        quotaTokens: 500,
        remainingTokens: 500,
        expiresAt: 1_800_000_000_000,
        enabled: true,
        debug: false,
        createdAt: context.now(),
        updatedAt: context.now(),
      });
      expect(await keys.findByHash(hashKey(created.key))).toEqual(created.record);
      expect(await keys.get(created.record.id)).toEqual(created.record);
      expect(JSON.stringify(await keys.list())).not.toContain(created.key.slice(12));
    });

    it('stores a key given by the config file, showing at most a quarter of it', async () => {
      const { keys } = context.store();
      const created = await keys.create({ name: 'config-app', key: 'sk-config-0123' });
      expect(created.key).toBe('sk-config-0123');
      expect(created.record.prefix).toBe('sk-');
      expect(created.record.models).toEqual(['*']);
      expect((await keys.findByHash(hashKey('sk-config-0123')))?.name).toBe('config-app');
      expect(await keys.findByHash(hashKey('sk-config-0124'))).toBeUndefined();
    });

    it('refuses a second key with the same name or the same key', async () => {
      const { keys } = context.store();
      await keys.create({ name: 'app', key: 'sk-first-key-000' });
      await expect(keys.create({ name: 'app' })).rejects.toMatchObject({ name: 'StoreConflictError', field: 'name' } satisfies Partial<StoreConflictError>);
      await expect(keys.create({ name: 'other', key: 'sk-first-key-000' })).rejects.toMatchObject({ field: 'key' });
      expect(await keys.list()).toHaveLength(1);
    });

    it('updates limits, models, expiry and enabled, and null clears a limit', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', rpm: 60, tpm: 1000 });
      context.advance(5);
      const updated = await keys.update(record.id, { models: ['a', 'b*'], rpm: null, tpm: 10, expiresAt: 123, enabled: false, name: 'app2' });
      expect(updated).toEqual({ ...record, name: 'app2', models: ['a', 'b*'], rpm: undefined, tpm: 10, expiresAt: 123, enabled: false, updatedAt: record.createdAt + 5 });
      expect(await keys.get(record.id)).toEqual(updated);
      expect(await keys.update('no-such-id', { rpm: 1 })).toBeUndefined();
    });

    it('refuses to rename a key onto a name already taken', async () => {
      const { keys } = context.store();
      await keys.create({ name: 'one' });
      const { record } = await keys.create({ name: 'two' });
      await expect(keys.update(record.id, { name: 'one' })).rejects.toMatchObject({ field: 'name' });
    });

    it('revokes a key but keeps it, and deletes a key for good', async () => {
      const { keys } = context.store();
      const created = await keys.create({ name: 'app' });
      expect(await keys.revoke(created.record.id)).toBe(true);
      expect((await keys.findByHash(hashKey(created.key)))?.enabled).toBe(false);
      expect(await keys.delete(created.record.id)).toBe(true);
      expect(await keys.findByHash(hashKey(created.key))).toBeUndefined();
      expect(await keys.delete(created.record.id)).toBe(false);
      expect(await keys.revoke(created.record.id)).toBe(false);
    });

    it('reserves tokens only while the balance covers them, and a new quota refills it', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', quotaTokens: 100 });
      expect(await keys.reserveTokens(record.id, 30)).toEqual({ granted: true, remainingTokens: 70 });
      expect(await keys.reserveTokens(record.id, 0)).toEqual({ granted: true, remainingTokens: 70 });
      expect(await keys.reserveTokens(record.id, 71)).toEqual({ granted: false, remainingTokens: 70 });
      expect((await keys.get(record.id))?.remainingTokens).toBe(70);
      expect((await keys.update(record.id, { quotaTokens: 1000 }))?.remainingTokens).toBe(1000);
      expect((await keys.update(record.id, { remainingTokens: 5 }))?.remainingTokens).toBe(5);
      await expect(keys.reserveTokens(record.id, -1)).rejects.toThrow(RangeError);
      await expect(keys.settleTokens(record.id, 1, 0.5)).rejects.toThrow(RangeError);
    });

    it('grants concurrent reservations no further than the balance', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', quotaTokens: 300 });
      const results = await Promise.all(Array.from({ length: 20 }, () => keys.reserveTokens(record.id, 100)));
      expect(results.filter((result) => result?.granted === true)).toHaveLength(3);
      expect((await keys.get(record.id))?.remainingTokens).toBe(0);
    });

    it('settles to what was used: refunds the rest, and records an overrun below zero unclamped', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', quotaTokens: 300 });
      await keys.reserveTokens(record.id, 100);
      expect(await keys.settleTokens(record.id, 100, 40)).toBe(260);
      await keys.reserveTokens(record.id, 250);
      expect(await keys.settleTokens(record.id, 250, 0)).toBe(260);
      await keys.reserveTokens(record.id, 260);
      expect(await keys.settleTokens(record.id, 260, 300)).toBe(-40);
      expect((await keys.get(record.id))?.remainingTokens).toBe(-40);
      expect(await keys.reserveTokens(record.id, 1)).toEqual({ granted: false, remainingTokens: -40 });
    });

    it('keeps a key\'s concurrency limit and queue time', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', maxConcurrency: 2, queueMs: 500 });
      expect(record).toMatchObject({ maxConcurrency: 2, queueMs: 500 });
      expect(await keys.update(record.id, { maxConcurrency: null })).toMatchObject({ maxConcurrency: undefined, queueMs: 500 });
    });

    it('holds nothing on a key without a quota or an unknown key', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app' });
      expect(await keys.reserveTokens(record.id, 10)).toBeUndefined();
      expect(await keys.reserveTokens('no-such-id', 10)).toBeUndefined();
      expect(await keys.settleTokens(record.id, 10, 5)).toBeUndefined();
      expect((await keys.get(record.id))?.remainingTokens).toBeUndefined();
    });

    it('holds a budget only while the period\'s spend covers it, settles to the real cost, and starts a new period from 0', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', budget: { usd: 1, period: 'day' } });
      const day1 = Date.UTC(2026, 0, 1);
      const day2 = Date.UTC(2026, 0, 2);
      expect(await keys.reserveBudget(record.id, day1, 0.6)).toEqual({ granted: true, spentUsd: 0.6, periodStart: day1 });
      expect(await keys.reserveBudget(record.id, day1, 0.5)).toEqual({ granted: false, spentUsd: 0.6, periodStart: day1 });
      // The request cost 0.1 of the 0.6 it held: 0.5 comes back.
      expect(await keys.settleBudget(record.id, day1, 0.6, 0.1)).toBe(true);
      expect((await keys.reserveBudget(record.id, day1, 0.5))?.granted).toBe(true);
      expect((await keys.get(record.id))?.budgetSpentUsd).toBeCloseTo(0.6, 12);
      // The next day starts over; a hold of the day before settles nowhere.
      expect(await keys.reserveBudget(record.id, day2, 0.9)).toEqual({ granted: true, spentUsd: 0.9, periodStart: day2 });
      expect(await keys.settleBudget(record.id, day1, 0.5, 0.5)).toBe(false);
      expect((await keys.get(record.id))?.budgetSpentUsd).toBeCloseTo(0.9, 12);
      expect(await keys.reserveBudget(record.id, day1, 0.05)).toMatchObject({ granted: true, periodStart: day2 });
    });

    it('grants concurrent budget holds no further than the budget', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', budget: { usd: 1, period: 'month' } });
      const results = await Promise.all(Array.from({ length: 20 }, () => keys.reserveBudget(record.id, 0, 0.25)));
      expect(results.filter((result) => result?.granted === true)).toHaveLength(4);
    });

    it('holds no budget for a key without one, and removing a budget forgets its spend', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app' });
      expect(await keys.reserveBudget(record.id, 0, 1)).toBeUndefined();
      expect(await keys.reserveBudget('no-such-id', 0, 1)).toBeUndefined();
      await keys.update(record.id, { budget: { usd: 2, period: 'month' } });
      expect((await keys.reserveBudget(record.id, 0, 1))?.granted).toBe(true);
      expect(await keys.update(record.id, { budget: null })).toMatchObject({ budget: undefined, budgetSpentUsd: undefined });
      await expect(keys.reserveBudget(record.id, 0, -1)).rejects.toThrow(RangeError);
    });

    it('stores a key\'s own cache settings, changes them, and null returns it to the global ones', async () => {
      const { keys } = context.store();
      const { record } = await keys.create({ name: 'app', cache: { enabled: false, ttlMs: undefined, models: undefined } });
      expect(record.cache).toEqual({ enabled: false, ttlMs: undefined, models: undefined });
      expect((await keys.get(record.id))?.cache).toEqual({ enabled: false, ttlMs: undefined, models: undefined });
      await keys.update(record.id, { cache: { enabled: true, ttlMs: 1500, models: ['gpt-4o*'] } });
      expect((await keys.get(record.id))?.cache).toEqual({ enabled: true, ttlMs: 1500, models: ['gpt-4o*'] });
      await keys.update(record.id, { rpm: 5 });
      expect((await keys.get(record.id))?.cache).toEqual({ enabled: true, ttlMs: 1500, models: ['gpt-4o*'] });
      await keys.update(record.id, { cache: null });
      expect((await keys.get(record.id))?.cache).toBeUndefined();
      expect((await keys.create({ name: 'plain' })).record.cache).toBeUndefined();
    });

    it('charges a settled request once however often its ledger batch is written, in the same transaction as remaining_tokens', async () => {
      const store = context.store();
      const { record } = await store.keys.create({ name: 'app', quotaTokens: 1000 });
      const { record: other } = await store.keys.create({ name: 'other', quotaTokens: 50 });
      const at = context.now();
      const batch = [
        { requestId: 'req_1', keyId: record.id, tokens: 100, settledAt: at },
        { requestId: 'req_2', keyId: other.id, tokens: 80, settledAt: at },
        { requestId: 'req_3', keyId: record.id, tokens: 30, settledAt: at },
        { requestId: 'req_1', keyId: record.id, tokens: 100, settledAt: at },
      ];
      expect(await store.quotaLedger.record(batch)).toBe(3);
      // The same batch again (a retry after an answer that never came): nothing new, nothing charged.
      expect(await store.quotaLedger.record(batch)).toBe(0);
      expect(await store.quotaLedger.record([{ requestId: 'req_3', keyId: record.id, tokens: 30, settledAt: at }, { requestId: 'req_4', keyId: record.id, tokens: 5, settledAt: at }])).toBe(1);
      expect((await store.keys.get(record.id))?.remainingTokens).toBe(1000 - 135);
      // An overrun past the balance is charged, never clamped.
      expect((await store.keys.get(other.id))?.remainingTokens).toBe(-30);
      expect(await store.quotaLedger.record([])).toBe(0);
    });

    it('records but does not take off a charge settled before an admin last set the balance', async () => {
      const store = context.store();
      const { record } = await store.keys.create({ name: 'app', quotaTokens: 1000 });
      const before = context.now();
      context.advance(10);
      await store.keys.update(record.id, { remainingTokens: 500 });
      context.advance(10);
      expect(await store.quotaLedger.record([
        { requestId: 'req_old', keyId: record.id, tokens: 100, settledAt: before },
        { requestId: 'req_new', keyId: record.id, tokens: 40, settledAt: context.now() },
      ])).toBe(2);
      expect((await store.keys.get(record.id))?.remainingTokens).toBe(460);
    });

    it('prunes charges settled before a cut, oldest first in bounded batches, leaving the balance as it is', async () => {
      const store = context.store();
      const { record } = await store.keys.create({ name: 'app', quotaTokens: 1000 });
      const start = context.now();
      const charges = Array.from({ length: 7 }, (_, index) => ({ requestId: `req_${String(index)}`, keyId: record.id, tokens: 10, settledAt: start + index }));
      expect(await store.quotaLedger.record(charges)).toBe(7);
      // Before req_5: five charges due, in batches of at most three.
      expect(await store.quotaLedger.prune(start + 5, 3)).toBe(3);
      expect(await store.quotaLedger.prune(start + 5, 3)).toBe(2);
      expect(await store.quotaLedger.prune(start + 5, 3)).toBe(0);
      expect((await store.keys.get(record.id))?.remainingTokens).toBe(930);
      // What is left is still the ledger: the two kept charge nothing twice, a pruned one is new again.
      expect(await store.quotaLedger.record([charges[5]!, charges[6]!])).toBe(0);
      expect(await store.quotaLedger.record([charges[4]!])).toBe(1);
    });

    it('reads a seed for a copy of the balance: remaining_tokens and the change version it includes; none without a quota', async () => {
      const store = context.store();
      const { record } = await store.keys.create({ name: 'app', quotaTokens: 700 });
      const { record: plain } = await store.keys.create({ name: 'plain' });
      const seed = await store.quotaLedger.readSeed(record.id);
      expect(seed?.remainingTokens).toBe(700);
      await store.keys.update(record.id, { remainingTokens: 900 });
      const after = await store.quotaLedger.readSeed(record.id);
      expect(after?.remainingTokens).toBe(900);
      // PostgreSQL counts every change (SQLite, one instance, announces none).
      expect(after?.version).toBeGreaterThanOrEqual(seed?.version ?? 0);
      expect(await store.quotaLedger.readSeed(plain.id)).toBeUndefined();
      expect(await store.quotaLedger.readSeed('no-such-id')).toBeUndefined();
    });

    it('lists keys oldest first', async () => {
      const { keys } = context.store();
      await keys.create({ name: 'b' });
      context.advance(1);
      await keys.create({ name: 'a' });
      expect((await keys.list()).map((key) => key.name)).toEqual(['b', 'a']);
    });
  });
}
