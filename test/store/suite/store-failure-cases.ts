// A store that cannot write says so, in the database's own words, on both databases: the readiness
// probe fails, and every write throws an error isStoreUnavailableError recognises (→ 503, not 500).
import { describe, expect, it } from 'vitest';
import { isStoreUnavailableError } from '../../../src/store/store-errors.ts';
import { makeLogRow } from './make-log-row.ts';
import type { SuiteContext } from './suite-context.ts';

/** SQLite's and PostgreSQL's own words for a write refused by a read-only database. */
const readOnlyWording = /attempt to write a readonly database|read-only transaction/;

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the write to fail');
}

export function describeStoreFailureCases(context: SuiteContext): void {
  describe('store failures', () => {
    it('passes the write probe while the database takes writes, again and again', async () => {
      await context.store().probeWrite();
      await context.store().probeWrite();
      expect(context.store().findFileChange()).toBeUndefined();
    });

    it('fails the probe and every write of a read-only database with its own error, as unavailable', async () => {
      const readOnly = await context.openReadOnly();
      try {
        await readOnly.ping();
        const failures = [
          await rejectionOf(readOnly.probeWrite()),
          await rejectionOf(readOnly.keys.create({ name: 'lost' })),
          await rejectionOf(readOnly.requestLogs.append([makeLogRow({ requestId: 'req_lost' })])),
          await rejectionOf(readOnly.channels.create({ name: 'lost', config: {} })),
        ];
        for (const failure of failures) {
          expect(String(failure)).toMatch(readOnlyWording);
          expect(isStoreUnavailableError(failure)).toBe(true);
        }
      } finally {
        await readOnly.close();
      }
      expect(await context.store().requestLogs.get('req_lost')).toBeUndefined();
    });

    it('keeps at most 256 characters of a User-Agent', async () => {
      await context.store().requestLogs.append([makeLogRow({ requestId: 'req_ua', userAgent: 'u'.repeat(10_000) })]);
      expect((await context.store().requestLogs.get('req_ua'))?.userAgent).toBe('u'.repeat(256));
    });
  });
}
