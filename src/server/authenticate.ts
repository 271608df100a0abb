// Client keys, from the store (config keys are synced into it at start): `Authorization: Bearer
// <key>` looked up by its sha256, so neither a timing nor a map probe compares the key itself with a
// stored one. Records are cached briefly, in a bounded cache, so the hot path does not wait on the
// database and random keys cannot grow memory. The sha256 of a key that was just accepted is
// remembered too (by the key as presented, at most `maxHashedKeys`, each for `hitTtlMs` after it was hashed), so a
// client's next request does not hash it again; that cache only spares the hash: every request still
// goes through the record cache and its checks, so a revoked, disabled or expired key is refused as
// soon as before. It holds only keys that were accepted, never an unknown one. Whether Sluice is keyless (every caller allowed) is decided once,
// at start: no key in the config and none stored (Sluice then listens on loopback only, see
// check-listen.ts). Creating a key ends it; deleting keys never starts it again.
import { GatewayError } from '../core/errors.ts';
import type { KeyCacheSettings } from '../core/cache-policy.ts';
import type { KeyBudget } from '../core/price.ts';
import { LruCache } from '../lib/lru-cache.ts';
import { matchesGlob } from '../lib/match-glob.ts';
import { hashKey, type KeyRecord, type KeyStore } from '../store/index.ts';

/** Who called: one object per key record, shared by every request of that key (read only). */
export interface Caller {
  readonly keyId: string | undefined;
  readonly keyName: string | undefined;
  readonly models: readonly string[];
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  /** undefined: no quota. */
  readonly remainingTokens: number | undefined;
  /** Requests in flight at once, and how long one past it waits; undefined: unlimited / the default. */
  readonly maxConcurrency?: number | undefined;
  readonly queueMs?: number | undefined;
  /** USD per UTC day or month (docs/cost.md); undefined: no budget. */
  readonly budget?: KeyBudget | undefined;
  /** Its own response-cache settings (docs/caching.md "Per key"); undefined: the global ones. */
  readonly cache?: KeyCacheSettings | undefined;
  readonly debug: boolean;
}

const anyone: Caller = { keyId: undefined, keyName: undefined, models: ['*'], rpm: undefined, tpm: undefined, remainingTokens: undefined, debug: false };

export interface KeyCachePolicy {
  /** Key hashes remembered at most, found or not; the least recently used is dropped first. */
  maxEntries: number;
  /** How long a found key is trusted before the store is asked again. */
  hitTtlMs: number;
  /** How long an unknown key is remembered as unknown (short: a key created elsewhere shows soon). */
  missTtlMs: number;
  /** Accepted keys whose hash is remembered at most (each for `hitTtlMs` after it was hashed); the least recently used is dropped first. */
  maxHashedKeys: number;
}

export const defaultKeyCachePolicy: Readonly<KeyCachePolicy> = Object.freeze({ maxEntries: 10_000, hitTtlMs: 2000, missTtlMs: 500, maxHashedKeys: 1000 });

export interface KeyAccess {
  authenticate(authorization: string | undefined): Promise<Caller>;
  /**
   * What authenticate() would answer, when the key was accepted lately and its record is still cached:
   * no promise and no turn of the microtask queue (docs/benchmarks.md "Round fifteen"). Undefined:
   * authenticate() decides (a lookup, or a refusal). Throws as authenticate() rejects for a cached
   * record that is no longer valid (revoked, expired).
   */
  knownCaller(authorization: string | undefined): Caller | undefined;
  /** Forget cached records (after an admin change), and re-count the stored keys. */
  refresh(): Promise<void>;
  /** Forget cached records only (a balance changed). */
  invalidate(): void;
  /** True while Sluice is keyless: it started with no key, and none has been created since. */
  isOpen(): boolean;
  /** Decided once at start: no key in the config and none stored. Loopback-only checks apply. */
  readonly startedKeyless: boolean;
  /** How many key hashes the cache holds now (bounded by the policy's `maxEntries`). */
  cachedEntries(): number;
  /** How many accepted keys have their hash remembered now (bounded by the policy's `maxHashedKeys`). */
  hashedKeys(): number;
}

/** The key in `Authorization: Bearer <key>`, trimmed; undefined when there is none. */
export function presentedKeyOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
}

function callerOf(record: KeyRecord): Caller {
  return { keyId: record.id, keyName: record.name, models: record.models, rpm: record.rpm, tpm: record.tpm, remainingTokens: record.remainingTokens, debug: record.debug, maxConcurrency: record.maxConcurrency, queueMs: record.queueMs, budget: record.budget, cache: record.cache };
}

export async function createKeyAccess(keys: KeyStore, now: () => number = Date.now, policy: KeyCachePolicy = defaultKeyCachePolicy): Promise<KeyAccess> {
  // A miss is cached as null, so a cache miss (undefined) and a known-unknown key differ.
  const cache = new LruCache<string, KeyRecord | null>(policy.maxEntries, now);
  // Presented key → its hash, for accepted keys only (a flood of wrong keys never lands here).
  const hashes = new LruCache<string, string>(policy.maxHashedKeys, now);
  const startedKeyless = (await keys.list()).length === 0;
  let open = startedKeyless;
  // Bumped by each clear: a lookup that began before a clear (a revocation from another instance,
  // say) must not put the record it read back into the cache.
  let generation = 0;
  // One caller per cached key record, not one per request (a held stream keeps its request's caller
  // for its life: docs/benchmarks.md "Held stream, round seven"); a record read again gets its own.
  const callers = new WeakMap<KeyRecord, Caller>();
  const callerFor = (record: KeyRecord): Caller => {
    let caller = callers.get(record);
    if (caller === undefined) {
      caller = callerOf(record);
      callers.set(record, caller);
    }
    return caller;
  };
  /** The caller of a key's record (null: no such key); throws for a key that is unknown, revoked or expired. */
  const acceptRecord = (record: KeyRecord | null): Caller => {
    if (record === null) throw new GatewayError('invalid_api_key', 'The API key is not valid.');
    if (!record.enabled) throw new GatewayError('invalid_api_key', `The API key '${record.name}' has been revoked.`);
    if (record.expiresAt !== undefined && record.expiresAt <= now()) throw new GatewayError('invalid_api_key', `The API key '${record.name}' expired.`);
    return callerFor(record);
  };
  const clear = (): void => {
    generation += 1;
    cache.clear();
    hashes.clear();
  };
  return {
    startedKeyless,
    isOpen: () => open,
    cachedEntries: () => cache.size,
    hashedKeys: () => hashes.size,
    invalidate: clear,
    async refresh() {
      clear();
      if (open && (await keys.list()).length > 0) open = false;
    },
    knownCaller(authorization) {
      if (open) return anyone;
      const presented = presentedKeyOf(authorization);
      const hash = presented === undefined ? undefined : hashes.get(presented);
      const record = hash === undefined ? undefined : cache.get(hash);
      return record === undefined ? undefined : acceptRecord(record);
    },
    async authenticate(authorization) {
      if (open) return anyone;
      const presented = presentedKeyOf(authorization);
      if (presented === undefined) throw new GatewayError('missing_api_key', 'No API key was given: send `Authorization: Bearer <key>` (or `x-api-key: <key>`).');
      const seenAt = generation;
      const remembered = hashes.get(presented);
      const hash = remembered ?? hashKey(presented);
      let record = cache.get(hash);
      if (record === undefined) {
        const readAt = generation;
        record = (await keys.findByHash(hash)) ?? null;
        if (readAt === generation) cache.set(hash, record, record === null ? policy.missTtlMs : policy.hitTtlMs);
      }
      const caller = acceptRecord(record);
      // Not after a clear that came while the record was read: a clear drops every key held.
      if (remembered === undefined && seenAt === generation) hashes.set(presented, hash, policy.hitTtlMs);
      return caller;
    },
  };
}

export function mayUseModel(caller: Caller, model: string): boolean {
  return caller.models.some((glob) => matchesGlob(glob, model));
}

export function authorizeModel(caller: Caller, model: string): void {
  if (!mayUseModel(caller, model)) {
    throw new GatewayError('model_not_allowed', `This key may not use the model '${model}'.`, { param: 'model' });
  }
}
