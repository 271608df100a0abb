// Client keys, from the store (config keys are synced into it at start): `Authorization: Bearer
// <key>` looked up by its sha256, so neither a timing nor a map probe compares the key itself.
// Records are cached briefly so the hot path does not wait on the database. With no key stored at
// all every caller is allowed (Sluice then listens on loopback only; see check-listen.ts).
import { GatewayError } from '../core/errors.ts';
import { matchesGlob } from '../lib/match-glob.ts';
import { hashKey, type KeyRecord, type KeyStore } from '../store/index.ts';

export interface Caller {
  keyId: string | undefined;
  keyName: string | undefined;
  models: readonly string[];
  rpm: number | undefined;
  tpm: number | undefined;
  /** undefined: no quota. */
  remainingTokens: number | undefined;
  /** Requests in flight at once, and how long one past it waits; undefined: unlimited / the default. */
  maxConcurrency?: number | undefined;
  queueMs?: number | undefined;
  debug: boolean;
}

const anyone: Caller = { keyId: undefined, keyName: undefined, models: ['*'], rpm: undefined, tpm: undefined, remainingTokens: undefined, debug: false };

/** How long a looked-up key is trusted before the store is asked again. */
const keyCacheMs = 2000;

export interface KeyAccess {
  authenticate(authorization: string | undefined): Promise<Caller>;
  /** Forget cached records (after an admin change), and re-count the stored keys. */
  refresh(): Promise<void>;
  /** Forget cached records only (a balance changed). */
  invalidate(): void;
  hasKeys(): boolean;
}

function callerOf(record: KeyRecord): Caller {
  return { keyId: record.id, keyName: record.name, models: record.models, rpm: record.rpm, tpm: record.tpm, remainingTokens: record.remainingTokens, debug: record.debug, maxConcurrency: record.maxConcurrency, queueMs: record.queueMs };
}

export async function createKeyAccess(keys: KeyStore, now: () => number = Date.now): Promise<KeyAccess> {
  const cache = new Map<string, { record: KeyRecord | undefined; at: number }>();
  let stored = (await keys.list()).length;
  return {
    hasKeys: () => stored > 0,
    invalidate: () => {
      cache.clear();
    },
    async refresh() {
      cache.clear();
      stored = (await keys.list()).length;
    },
    async authenticate(authorization) {
      if (stored === 0) return anyone;
      const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
      if (match?.[1] === undefined) throw new GatewayError('missing_api_key', 'No API key was given: send `Authorization: Bearer <key>`.');
      const hash = hashKey(match[1].trim());
      let entry = cache.get(hash);
      if (entry === undefined || now() - entry.at > keyCacheMs) {
        entry = { record: await keys.findByHash(hash), at: now() };
        cache.set(hash, entry);
      }
      const { record } = entry;
      if (record === undefined) throw new GatewayError('invalid_api_key', 'The API key is not valid.');
      if (!record.enabled) throw new GatewayError('invalid_api_key', `The API key '${record.name}' has been revoked.`);
      if (record.expiresAt !== undefined && record.expiresAt <= now()) throw new GatewayError('invalid_api_key', `The API key '${record.name}' expired.`);
      return callerOf(record);
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
