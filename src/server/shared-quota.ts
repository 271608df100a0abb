// Token quotas held in Redis, shared exactly by every instance (docs/scale-out.md §E2 "Quota",
// docs/deploy.md "Quotas across instances"). PostgreSQL stays the truth: `remaining_tokens` moves
// only through the ledger (store/quota-ledger.ts), which this instance feeds in ordered batches off
// the request path, idempotent by request id. Redis holds a copy of the balance and the holds of
// requests in flight (shared-state/balance-holds.ts), one script call to reserve and one to settle.
// - A balance Redis does not have (first use, Redis restarted empty, dropped after a change) is
//   seeded from the store, after this instance's own waiting charges are written — never built up
//   by increments from a copy that may be stale.
// - Redis down or slow: the store's conditional UPDATE (key-quota.ts), never an unchecked local
//   count; counted as degraded. The store then moved beneath Redis's copy, so this instance drops
//   that copy (re-seeded) before it next uses Redis for the key; so it does after a settle Redis
//   did not take.
import type { BalanceHolds } from '../shared-state/balance-holds.ts';
import { createLogWriter, type KeyStore, type LogWriter, type QuotaCharge, type QuotaLedger } from '../store/index.ts';
import { reserveInStore, type KeyQuota, type QuotaAnswer } from './key-quota.ts';

export interface QuotaLedgerPolicy {
  flushIntervalMs: number;
  batchSize: number;
  maxQueued: number;
  retryDelaysMs: readonly number[];
}

export interface SharedQuotaOptions {
  holds: BalanceHolds;
  keys: KeyStore;
  ledger: QuotaLedger;
  policy: QuotaLedgerPolicy;
  /** A hold taken by the store because Redis was down or slow. */
  onDegraded: () => void;
  /** A settlement the store could not write (the degraded path). */
  onSettleError: (error: unknown) => void;
  /** Charges the ledger could not write after its retries, or could not queue. */
  onChargesLost: (error: unknown, charges: number) => void;
  /** When a charge settled (compared with when an admin last set the balance); Date.now when absent. */
  now?: (() => number) | undefined;
}

/** The balance of a key's token quota in Redis; other balances (budgets) take other names. */
export function tokenBalanceOf(keyId: string): string {
  return `tokens:${keyId}`;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms).unref(); });
}

/** The ledger's write: a refused batch is tried again as is (idempotent by request id), then given up. */
function recordWithRetries(ledger: QuotaLedger, retryDelaysMs: readonly number[]): (charges: QuotaCharge[]) => Promise<void> {
  return async (charges) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await ledger.record(charges);
        return;
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined) throw error;
        await pause(delay);
      }
    }
  };
}

export function createSharedQuota(options: SharedQuotaOptions): KeyQuota {
  const { holds, keys, ledger, policy } = options;
  const now = options.now ?? Date.now;
  /** Keys whose Redis copy this instance knows to be off: dropped before the next use. */
  const stale = new Set<string>();
  const outbox: LogWriter<QuotaCharge> = createLogWriter(recordWithRetries(ledger, policy.retryDelaysMs), {
    batchSize: policy.batchSize,
    flushIntervalMs: policy.flushIntervalMs,
    maxQueued: policy.maxQueued,
    onError: options.onChargesLost,
    onDrop: (reason) => { options.onChargesLost(new Error(`the ledger queue is ${reason === 'closed' ? 'closed' : 'full'}`), 1); },
  });

  const settleInStore = (keyId: string, settling: Promise<unknown>): void => {
    settling.then(() => { stale.add(keyId); }, options.onSettleError);
  };

  const reserveWithoutRedis = (keyId: string, tokens: number): Promise<QuotaAnswer | undefined> => {
    options.onDegraded();
    stale.add(keyId);
    return reserveInStore(keys, keyId, tokens, (settling) => { settleInStore(keyId, settling); });
  };

  const settleShared = (keyId: string, requestId: string, used: number): void => {
    void holds.settle(tokenBalanceOf(keyId), requestId, used).then((taken) => {
      if (!taken) stale.add(keyId);
    });
    if (used > 0) outbox.append({ requestId, keyId, tokens: used, settledAt: now() });
  };

  /** Drops the copy this instance knows to be off; false while Redis does not answer. */
  const dropStaleCopy = async (keyId: string): Promise<boolean> => {
    if (!stale.has(keyId)) return true;
    if (!(await holds.forget(tokenBalanceOf(keyId)))) return false;
    stale.delete(keyId);
    return true;
  };

  return {
    async reserve(keyId, tokens, requestId) {
      if (!holds.usable || !(await dropStaleCopy(keyId))) return reserveWithoutRedis(keyId, tokens);
      const balanceId = tokenBalanceOf(keyId);
      let answer = await holds.reserve(balanceId, tokens, requestId);
      if (answer.kind === 'unseeded') {
        // This instance's settled charges first, so the seed it reads has them.
        await outbox.flush();
        const seed = await ledger.readSeed(keyId);
        if (seed === undefined) return undefined;
        answer = await holds.reserve(balanceId, tokens, requestId, { balance: seed.remainingTokens, version: seed.version });
      }
      if (answer.kind === 'unavailable' || answer.kind === 'unseeded') return reserveWithoutRedis(keyId, tokens);
      if (answer.kind === 'short') return { granted: false, remainingTokens: answer.available };
      return { granted: true, hold: { settle: (used) => { settleShared(keyId, requestId, used); } } };
    },

    async keyChanged(keyId, version) {
      if (!(await holds.forget(tokenBalanceOf(keyId), version))) stale.add(keyId);
    },

    close: () => outbox.close(),
  };
}
