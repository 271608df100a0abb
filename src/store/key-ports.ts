// The store's ports for client API keys (quota, budget) and the quota ledger: what server/ may ask of
// them (ports.ts re-exports everything). Times are epoch milliseconds.
import type { KeyCacheSettings } from '../core/cache-policy.ts';
import type { KeyBudget } from '../core/price.ts';

// ── Client API keys ────────────────────────────────────────────────────────────────────────────

export interface KeyRecord {
  id: string;
  name: string;
  /** The first characters of the key: enough to tell keys apart, useless to call with. */
  prefix: string;
  /** Client model names or globs this key may call. */
  models: string[];
  /** Requests per minute; undefined: unlimited. */
  rpm: number | undefined;
  /** Tokens per minute; undefined: unlimited. */
  tpm: number | undefined;
  /** Requests of this key in flight at once; undefined: unlimited. */
  maxConcurrency: number | undefined;
  /** How long a request past `maxConcurrency` waits for a slot before a 429; undefined: the default. */
  queueMs: number | undefined;
  /** Tokens granted; undefined: no quota. */
  quotaTokens: number | undefined;
  /**
   * What is left of the quota, in-flight reservations already taken off; undefined when there is no
   * quota. Below 0 when requests used more than they reserved: recorded, never clamped.
   */
  remainingTokens: number | undefined;
  expiresAt: number | undefined;
  enabled: boolean;
  /** Capture every exchange of this key's requests (debug). */
  debug: boolean;
  /** USD per UTC day or month (docs/cost.md); undefined: no budget. */
  budget: KeyBudget | undefined;
  /** What the period starting at `budgetPeriodStart` spent, in-flight reservations included; above the budget after an overrun. */
  budgetSpentUsd: number | undefined;
  budgetPeriodStart: number | undefined;
  /** Its own response-cache settings (docs/caching.md "Per key"); undefined: the global ones. */
  cache: KeyCacheSettings | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface NewKey {
  name: string;
  /** The key to store (a key from the config file); a fresh random key when absent. */
  key?: string | undefined;
  models?: string[] | undefined;
  rpm?: number | undefined;
  tpm?: number | undefined;
  maxConcurrency?: number | undefined;
  queueMs?: number | undefined;
  quotaTokens?: number | undefined;
  expiresAt?: number | undefined;
  enabled?: boolean | undefined;
  debug?: boolean | undefined;
  budget?: KeyBudget | undefined;
  cache?: KeyCacheSettings | undefined;
}

/** Fields to change; `null` clears a limit. A new `quotaTokens` also refills `remainingTokens`. */
export interface KeyChanges {
  name?: string | undefined;
  models?: string[] | undefined;
  rpm?: number | null | undefined;
  tpm?: number | null | undefined;
  maxConcurrency?: number | null | undefined;
  queueMs?: number | null | undefined;
  quotaTokens?: number | null | undefined;
  remainingTokens?: number | null | undefined;
  expiresAt?: number | null | undefined;
  enabled?: boolean | undefined;
  debug?: boolean | undefined;
  /** A new budget keeps what the current period spent; `null` removes the budget and its spend. */
  budget?: KeyBudget | null | undefined;
  /** Sets what the current period spent (0: a fresh start). */
  budgetSpentUsd?: number | undefined;
  /** `null`: back to the global cache settings. */
  cache?: KeyCacheSettings | null | undefined;
}

export interface TokenReservation {
  granted: boolean;
  /** The balance after the reservation (granted) or as it stands (refused). */
  remainingTokens: number;
}

export interface BudgetReservation {
  granted: boolean;
  /** The period's spend after the reservation (granted) or as it stands (refused). */
  spentUsd: number;
  /** The start of the period the reservation counts in (settle it there). */
  periodStart: number;
}

export interface CreatedKey {
  record: KeyRecord;
  /** The full key: returned here once and never again (only its hash is stored). */
  key: string;
}

export interface KeyStore {
  /** Throws StoreConflictError when the name or the key is already stored. */
  create(input: NewKey): Promise<CreatedKey>;
  get(id: string): Promise<KeyRecord | undefined>;
  /** By `hashKey(presented key)`; the caller checks `enabled` and `expiresAt`. */
  findByHash(keyHash: string): Promise<KeyRecord | undefined>;
  /** Oldest first. */
  list(): Promise<KeyRecord[]>;
  /** undefined: no such key. Throws StoreConflictError on a name already taken. */
  update(id: string, changes: KeyChanges): Promise<KeyRecord | undefined>;
  /** Disables the key and keeps its record; false: no such key. */
  revoke(id: string): Promise<boolean>;
  /** false: no such key. */
  delete(id: string): Promise<boolean>;
  /**
   * Holds `tokens` of the quota for a request, atomically, only if the balance covers them (granted:
   * false and nothing held otherwise); undefined when the key has no quota or does not exist.
   */
  reserveTokens(id: string, tokens: number): Promise<TokenReservation | undefined>;
  /**
   * Settles a request that held `reserved` and used `used`: the balance moves by reserved − used,
   * below zero if it used more (not clamped). The balance after, or undefined without a quota.
   */
  settleTokens(id: string, reserved: number, used: number): Promise<number | undefined>;
  /**
   * Holds `amountUsd` of the key's budget in the period starting at `periodStart`, atomically, only
   * if the period's spend plus it stays within the budget; a stored period older than `periodStart`
   * starts over from 0. undefined when the key has no budget or does not exist.
   */
  reserveBudget(id: string, periodStart: number, amountUsd: number): Promise<BudgetReservation | undefined>;
  /**
   * Moves the spend of the period starting at `periodStart` by cost − reserved (above the budget if
   * the request cost more, never clamped); nothing when that period is over (its spend was reset).
   * Whether it applied.
   */
  settleBudget(id: string, periodStart: number, reservedUsd: number, costUsd: number): Promise<boolean>;
}

// ── The quota ledger (settled charges, once per request id) ───────────────────────────────────

export interface QuotaCharge {
  /** The request's id: a charge recorded twice under one id counts once. */
  requestId: string;
  keyId: string;
  /** Tokens the request used (≥ 0). */
  tokens: number;
  /**
   * When the request settled (this instance's clock): a charge settled before an admin last set the
   * balance is recorded but not taken off it — the new balance was set with it already spent.
   */
  settledAt: number;
}

export interface QuotaSeed {
  /** The key's `remaining_tokens` as committed. */
  remainingTokens: number;
  /** `sluice_config_version` in the same read: a key change announced at this version or before is in it. */
  version: number;
}

export interface QuotaLedger {
  /**
   * Records the charges in one transaction, in key order: each request id not recorded before is
   * written and taken off its key's `remaining_tokens` (below zero if need be, never clamped); one
   * recorded before is skipped. Resolves to the number of charges that were new.
   */
  record(charges: readonly QuotaCharge[]): Promise<number>;
  /** The balance to seed a shared copy from; undefined when the key has no quota or is gone. */
  readSeed(keyId: string): Promise<QuotaSeed | undefined>;
  /** Deletes up to `batchRows` charges settled before `before` (epoch ms), oldest first; resolves to how many. */
  prune(before: number, batchRows: number): Promise<number>;
}
