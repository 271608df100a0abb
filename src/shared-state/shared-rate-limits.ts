// rpm/tpm admission shared by every instance (docs/scale-out.md §E2): one GCRA script call on Redis
// per request of a limited key; a key without rpm and tpm never touches Redis, and answers at once.
// While Redis is down (shared-state-status.ts) the decision is local, on this instance's share of
// each limit (`limit / live instances`, from the instance registry; `fallbackInstances` when the
// registry has no count), never silently on a full per-instance limit (§E3: that is how limits
// became N× elsewhere). The local buckets are routing/rate-limits.ts's.
import type { KeyLimits, RateLimiter, RateLimits, RateReservation, RateVerdict } from '../routing/rate-limits.ts';
import type { SharedRedisClient } from './open-redis.ts';
import type { SharedStateStatus } from './shared-state-status.ts';

export interface SharedRateOptions {
  client: SharedRedisClient;
  status: SharedStateStatus;
  /** In-process buckets for decisions taken while Redis is down. */
  local: RateLimits;
  keyPrefix: string;
  /** The share's divisor when `liveInstances` is absent or has no count (SQLite, registry unreadable). */
  fallbackInstances: number;
  /** Instances live now (the instance registry), or undefined when it cannot say. */
  liveInstances?: (() => number | undefined) | undefined;
  /** The longest a request waits for Redis's answer before it is decided locally. */
  commandTimeoutMs: number;
  /** A settle or refund Redis did not take (the request was already answered). */
  onSettleError: (error: unknown) => void;
}

const rpmRefused = 1;

/** This instance's share of a limit: at least one request or token per minute, so a key can still run. */
export function shareOf(limit: number | undefined, instances: number): number | undefined {
  return limit === undefined ? undefined : Math.max(1, limit / instances);
}

/**
 * The client's own command timeout stops at the write: a command already sent to a hung Redis waits
 * for its reply until the connection closes. This bound covers the whole round trip; the late reply,
 * if any, is dropped (the script still ran: a conservative over-count, never an under-count).
 */
export function withinMs<T>(pending: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`Redis did not answer within ${String(ms)} ms`)); }, ms);
  });
  return Promise.race([pending, expired]).finally(() => { clearTimeout(timer); });
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class SharedRateLimits implements RateLimiter {
  readonly #options: SharedRateOptions;
  /** Reservations taken from the local buckets: settled there, not in Redis. */
  readonly #local = new WeakSet<RateReservation>();

  constructor(options: SharedRateOptions) {
    this.#options = options;
  }

  /** Redis keys hash-tag the key id, so a future Redis Cluster keeps each key's state on one slot (§H). */
  #redisKey(key: string): string {
    return `${this.#options.keyPrefix}rate:{${key}}`;
  }

  reserve(key: string, limits: KeyLimits, tokens: number): RateVerdict | Promise<RateVerdict> {
    if (limits.rpm === undefined && limits.tpm === undefined) return { allowed: true, reservation: { key, limits, tokens: 0 } };
    if (!this.#options.status.usable) return this.#reserveLocally(key, limits, tokens);
    return this.#reserveShared(key, limits, tokens);
  }

  async #reserveShared(key: string, limits: KeyLimits, tokens: number): Promise<RateVerdict> {
    const { client, status } = this.#options;
    let reply: number[];
    try {
      reply = await withinMs(client.admitRate(this.#redisKey(key), limits.rpm ?? 0, limits.tpm ?? 0, limits.tpm === undefined ? 0 : tokens), this.#options.commandTimeoutMs);
    } catch (error) {
      status.failed(reasonOf(error));
      return this.#reserveLocally(key, limits, tokens);
    }
    status.succeeded();
    const [admitted, which, retryAfterMs] = reply;
    if (admitted === 1) return { allowed: true, reservation: { key, limits, tokens: limits.tpm === undefined ? 0 : tokens } };
    return { allowed: false, limit: which === rpmRefused ? 'rpm' : 'tpm', retryAfterSeconds: Math.max(0, retryAfterMs ?? 0) / 1000 };
  }

  #reserveLocally(key: string, limits: KeyLimits, tokens: number): RateVerdict {
    const { fallbackInstances, liveInstances, local, status } = this.#options;
    status.degraded();
    const instances = Math.max(1, liveInstances?.() ?? fallbackInstances);
    const share = { rpm: shareOf(limits.rpm, instances), tpm: shareOf(limits.tpm, instances) };
    const verdict = local.reserve(key, share, tokens);
    if (verdict.allowed) this.#local.add(verdict.reservation);
    return verdict;
  }

  settle(reservation: RateReservation, usedTokens: number): void {
    if (this.#local.has(reservation)) {
      this.#options.local.settle(reservation, usedTokens);
      return;
    }
    const { tpm } = reservation.limits;
    if (tpm === undefined || usedTokens === reservation.tokens) return;
    this.#adjust(reservation, 0, usedTokens - reservation.tokens);
  }

  release(reservation: RateReservation): void {
    if (this.#local.has(reservation)) {
      this.#options.local.release(reservation);
      return;
    }
    this.#adjust(reservation, reservation.limits.rpm === undefined ? 0 : 1, -reservation.tokens);
  }

  /** Off the request path: the answer does not wait for the charge or refund. */
  #adjust(reservation: RateReservation, requests: number, tokens: number): void {
    const { client, status, onSettleError } = this.#options;
    if (!status.usable) {
      onSettleError(new Error('the shared state is down'));
      return;
    }
    const { rpm, tpm } = reservation.limits;
    withinMs(client.settleRate(this.#redisKey(reservation.key), rpm ?? 0, tpm ?? 0, requests, tokens), this.#options.commandTimeoutMs).then(
      () => { status.succeeded(); },
      (error: unknown) => {
        status.failed(reasonOf(error));
        onSettleError(error);
      },
    );
  }
}
