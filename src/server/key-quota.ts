// A key's token quota at admission: hold an upper bound before the request is relayed, settle to
// what it used after (docs/scale-out.md §E2 "Quota"). Two places hold it:
// - the store alone (SQLite, or PostgreSQL without Redis): one conditional UPDATE reserves, another
//   settles — exact on any number of instances sharing the database, two writes per request;
// - Redis, when `redis` is configured (shared-quota.ts): one script call each way, the charges
//   written to the PostgreSQL ledger in batches off the request path, the store's conditional
//   UPDATE again whenever Redis does not answer.
import type { KeyStore } from '../store/index.ts';

/** What an admitted request holds of its key's quota; settled once, off the request path. */
export interface QuotaHold {
  settle(usedTokens: number): void;
}

export type QuotaAnswer =
  | { granted: true; hold: QuotaHold }
  /** Nothing held: the balance (after the holds of requests in flight) does not cover the request. */
  | { granted: false; remainingTokens: number };

export interface KeyQuota {
  /** Holds `tokens` for request `requestId`; undefined when the key has no quota (or is gone). */
  reserve(keyId: string, tokens: number, requestId: string): Promise<QuotaAnswer | undefined>;
  /**
   * The key's quota changed in the store: by this instance just now (no version), or by another,
   * announced at `version`. A copy of the balance held elsewhere is dropped and read again.
   */
  keyChanged(keyId: string, version?: number): Promise<void>;
  /** Writes what is waiting (the ledger); the store closes after. */
  close(): Promise<void>;
}

/** Today's path: both steps are conditional UPDATEs in the store (key-store.ts). */
export async function reserveInStore(keys: KeyStore, keyId: string, tokens: number, onSettled: (settling: Promise<unknown>) => void): Promise<QuotaAnswer | undefined> {
  const held = await keys.reserveTokens(keyId, tokens);
  if (held === undefined) return undefined;
  if (!held.granted) return { granted: false, remainingTokens: held.remainingTokens };
  return { granted: true, hold: { settle: (used) => { onSettled(keys.settleTokens(keyId, tokens, used)); } } };
}

export function createStoreQuota(keys: KeyStore, onSettleError: (error: unknown) => void): KeyQuota {
  return {
    reserve: (keyId, tokens) => reserveInStore(keys, keyId, tokens, (settling) => { settling.catch(onSettleError); }),
    keyChanged: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
