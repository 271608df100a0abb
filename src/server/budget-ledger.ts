// Per-key budgets (docs/cost.md): USD per UTC day or month, reserved before a request (its upper-bound
// cost) and settled to its real cost after, the way token quotas are (account-request.ts). The
// ledger is a port so the holds can move elsewhere (shared-state holds keyed by request id) without
// touching admission; this one is the store's conditional UPDATE.
import type { BudgetPeriod, KeyBudget } from '../core/price.ts';
import type { KeyStore } from '../store/index.ts';

/** What a granted reservation holds, to settle it in the same period. */
export interface BudgetHold {
  readonly reservedUsd: number;
  readonly periodStart: number;
}

export type BudgetVerdict = { granted: true; hold: BudgetHold } | { granted: false; spentUsd: number };

export interface BudgetLedger {
  /** Holds `amountUsd` of the key's budget for `requestId`; undefined when the store knows no budget for the key. */
  reserve(keyId: string, budget: KeyBudget, amountUsd: number, requestId: string): Promise<BudgetVerdict | undefined>;
  /** The request cost `costUsd`: refunds the rest of the hold, or charges the overrun (never clamped). */
  settle(keyId: string, hold: BudgetHold, costUsd: number, requestId: string): Promise<void>;
}

/** The start of the UTC day or month holding `now` (epoch ms). */
export function startOfBudgetPeriod(period: BudgetPeriod, now: number): number {
  const date = new Date(now);
  return period === 'day' ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The next period's start: when a refused key may spend again. */
export function endOfBudgetPeriod(period: BudgetPeriod, now: number): number {
  const date = new Date(now);
  return period === 'day' ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1) : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Holds in the store's key rows; `now` is the wall clock periods are cut by (tests move it). */
export function createStoreBudgetLedger(keys: KeyStore, now: () => number): BudgetLedger {
  return {
    async reserve(keyId, budget, amountUsd) {
      const held = await keys.reserveBudget(keyId, startOfBudgetPeriod(budget.period, now()), amountUsd);
      if (held === undefined) return undefined;
      return held.granted ? { granted: true, hold: { reservedUsd: amountUsd, periodStart: held.periodStart } } : { granted: false, spentUsd: held.spentUsd };
    },
    async settle(keyId, hold, costUsd) {
      await keys.settleBudget(keyId, hold.periodStart, hold.reservedUsd, costUsd);
    },
  };
}
