// The store suite, written once and run against every database (sqlite.test.ts, postgres.test.ts).
// Each test gets a fresh, empty database from `createDatabaseUrl` and a clock it controls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store, StoreKind } from '../../../src/store/ports.ts';
import { describeCapabilityCases, describeChannelCases } from './capability-and-channel-cases.ts';
import { describeKeyStoreCases } from './key-store-cases.ts';
import { makeLogRow } from './make-log-row.ts';
import { describeRequestLogCases } from './request-log-cases.ts';
import { describeStoreFailureCases } from './store-failure-cases.ts';
import type { SuiteContext } from './suite-context.ts';

export function describeStoreSuite(kind: StoreKind, createDatabaseUrl: () => Promise<string>): void {
  let store: Store | undefined;
  let url = '';
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const context: SuiteContext = {
    store: () => {
      if (store === undefined) throw new Error('The store suite has no open store.');
      return store;
    },
    now,
    advance: (milliseconds) => {
      clock += milliseconds;
    },
    reopen: async () => {
      await store?.close();
      store = undefined;
      store = await openStore(url, { now });
      return store;
    },
    openReadOnly: () => openStore(url, { now, readOnly: true }),
  };

  describe(`store on ${kind}`, () => {
    beforeEach(async () => {
      clock = 1_700_000_000_000;
      url = await createDatabaseUrl();
      store = await openStore(url, { now });
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('answers a ping and says which database it is', async () => {
      await context.store().ping();
      expect(context.store().kind).toBe(kind);
    });

    it('keeps keys, log rows, capabilities and channels across a restart, migrating only once', async () => {
      const created = await context.store().keys.create({ name: 'app', quotaTokens: 10 });
      await context.store().requestLogs.append([makeLogRow({ requestId: 'req_kept' })]);
      await context.store().capabilities.upsert({
        channel: 'azure',
        model: 'o3-mini',
        capability: 'stream',
        value: 'unsupported',
        evidence: "400 Unsupported value: 'stream' does not support true with this model",
        learnedAt: now(),
        recheckAt: undefined,
      });
      await context.store().channels.create({ name: 'xai', config: { type: 'openai', models: ['grok-2-1212'] } });
      const reopened = await context.reopen();
      expect(await reopened.keys.get(created.record.id)).toEqual(created.record);
      expect((await reopened.requestLogs.get('req_kept'))?.attempts).toHaveLength(2);
      expect((await reopened.capabilities.list()).map((learned) => learned.value)).toEqual(['unsupported']);
      expect((await reopened.channels.get('xai'))?.config).toEqual({ type: 'openai', models: ['grok-2-1212'] });
    });

    describeKeyStoreCases(context);
    describeRequestLogCases(context);
    describeCapabilityCases(context);
    describeChannelCases(context);
    describeStoreFailureCases(context);
  });
}
