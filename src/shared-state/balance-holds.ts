// Holds on a shared balance (hold-scripts.ts; docs/scale-out.md §E2 "Quota"): reserve an upper
// bound before the work, settle to what was really used after — one script call each, on the
// balance's hash tag. Generic over the balance: the caller names it (`tokens:<key id>` for a key's
// token quota) and seeds it from its own source of truth when Redis does not have it. Every call is
// bounded by the command timeout; a call Redis did not answer reports the shared state failed and
// answers `unavailable`, so the caller decides without Redis (shared-state-status.ts).
import type { SharedRedisClient } from './open-redis.ts';
import { holdShort, holdUnseeded } from './hold-scripts.ts';
import { reasonOf, withinMs } from './shared-rate-limits.ts';
import type { SharedStateStatus } from './shared-state-status.ts';

/** A hold's life when the caller names none: the default `timeouts.total_ms` (600 s) and a minute. */
export const defaultHoldLifeMs = 660_000;

export interface BalanceHoldsOptions {
  client: SharedRedisClient;
  status: SharedStateStatus;
  keyPrefix: string;
  /**
   * How long a hold lives unsettled: longer than any request may run, so only the holds of an
   * instance that died (or lost Redis) ever expire; theirs come back after it.
   */
  holdLifeMs: number;
  commandTimeoutMs: number;
}

/** The balance as the source of truth had it, and the version of that read. */
export interface BalanceSeed {
  balance: number;
  version: number;
}

export type HoldAnswer =
  | { kind: 'held'; available: number }
  | { kind: 'short'; available: number }
  /** Redis has no such balance: read it from the source of truth and reserve again with the seed. */
  | { kind: 'unseeded' }
  /** Redis is down or did not answer in time: decide without it. */
  | { kind: 'unavailable' };

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`Cannot hold ${String(amount)}: give a whole number ≥ 0.`);
}

export class BalanceHolds {
  readonly #options: BalanceHoldsOptions;

  constructor(options: BalanceHoldsOptions) {
    this.#options = options;
  }

  /** Whether to ask Redis now (no round trip). */
  get usable(): boolean {
    return this.#options.status.usable;
  }

  #keysOf(balanceId: string): [string, string] {
    const { keyPrefix } = this.#options;
    return [`${keyPrefix}balance:{${balanceId}}`, `${keyPrefix}balance-holds:{${balanceId}}`];
  }

  async #call<T>(pending: () => Promise<T>): Promise<T | undefined> {
    const { status, commandTimeoutMs } = this.#options;
    if (!status.usable) return undefined;
    try {
      const reply = await withinMs(pending(), commandTimeoutMs);
      status.succeeded();
      return reply;
    } catch (error) {
      status.failed(reasonOf(error));
      return undefined;
    }
  }

  /** Holds `amount` of the balance under `holdId` (a request id) if the balance covers it. */
  async reserve(balanceId: string, amount: number, holdId: string, seed?: BalanceSeed): Promise<HoldAnswer> {
    checkAmount(amount);
    const [balance, expiries] = this.#keysOf(balanceId);
    const seedText = seed === undefined ? '' : String(seed.balance);
    const versionText = seed === undefined ? '' : String(seed.version);
    const reply = await this.#call(() => this.#options.client.reserveHold(balance, expiries, amount, holdId, this.#options.holdLifeMs, seedText, versionText));
    if (reply === undefined) return { kind: 'unavailable' };
    const [verdict, available = 0] = reply;
    if (verdict === holdUnseeded) return { kind: 'unseeded' };
    return { kind: verdict === holdShort ? 'short' : 'held', available };
  }

  /**
   * Gives the hold back and charges `used` (more than held: charged, the balance may go below zero).
   * false when Redis did not take it: the balance in Redis is then wrong until it is forgotten.
   */
  async settle(balanceId: string, holdId: string, used: number): Promise<boolean> {
    checkAmount(used);
    const [balance, expiries] = this.#keysOf(balanceId);
    return (await this.#call(() => this.#options.client.settleHold(balance, expiries, holdId, used))) !== undefined;
  }

  /**
   * Drops the balance (not its holds) so the next reserve seeds it again; with `version`, only if it
   * was seeded before that version. false when Redis did not take it.
   */
  async forget(balanceId: string, version?: number): Promise<boolean> {
    const [balance] = this.#keysOf(balanceId);
    return (await this.#call(() => this.#options.client.forgetBalance(balance, version === undefined ? '' : String(version)))) !== undefined;
  }
}
