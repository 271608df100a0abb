// Whether and how the exact response cache takes part in one chat request (docs/caching.md): the
// key, the client's Cache-Control, the lookup, and the store of a whole answer.
import type { IncomingHttpHeaders } from 'node:http';
import type { KeyCacheSettings } from '../core/cache-policy.ts';
import type { ChatCompletion, ChatRequest } from '../core/chat.ts';
import { computeCacheKey, isCacheableCompletion, isCacheableRequest } from '../relay/compute-cache-key.ts';
import { recordUsage, type RequestRecord } from '../relay/request-record.ts';
import { cacheUnavailable, type AnswerCache } from '../relay/answer-cache.ts';

/** The response header that says what the cache did: `hit`, or `miss` when this answer was stored. */
export const cacheHeader = 'x-sluice-cache';

/** The adaptation a served hit records (log row, `x-sluice-adaptations`). */
export const cacheHitAdaptation = 'cache-hit';

export interface CacheUse {
  /** The stored answer, when there is one to serve. */
  readonly hit: ChatCompletion | undefined;
  /** Whether an answer to this request may be stored (a streamed one is then collected as it goes out). */
  readonly stores: boolean;
  /** Stores a whole answer; true when stored (a JSON answer then says `x-sluice-cache: miss`). */
  store(completion: ChatCompletion): Promise<boolean>;
}

/** A streamed answer's usage, when the client did not ask for it in the stream: what the record counted. */
export function withRecordedUsage(completion: ChatCompletion, record: RequestRecord): ChatCompletion {
  if (completion.usage != null || record.promptTokens === undefined || record.completionTokens === undefined) return completion;
  const usage = { prompt_tokens: record.promptTokens, completion_tokens: record.completionTokens, total_tokens: record.promptTokens + record.completionTokens };
  return { ...completion, usage };
}

/** The client's Cache-Control directives that matter here: `no-store` wins over `no-cache`. */
export function readCacheDirective(headers: IncomingHttpHeaders): 'no-store' | 'no-cache' | undefined {
  const value = headers['cache-control'];
  const directives = (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((part) => part.trim().toLowerCase());
  if (directives.includes('no-store')) return 'no-store';
  if (directives.includes('no-cache')) return 'no-cache';
  return undefined;
}

/** The cache takes no part. */
export const noCacheUse: CacheUse = { hit: undefined, stores: false, store: () => Promise.resolve(false) };

/**
 * The cache's part in this request, with `record.cache` set for the log and the metric; the no-op
 * when the cache is off (for everyone, or for the caller's key), the protocol is not Chat
 * Completions, the model is not covered (by the key's list when it has one), `n > 1`, or the client
 * said `no-store`. `no-cache` skips the lookup and stores the fresh answer. A key's `ttl_s` bounds
 * both the age of what it is served and how long its answers are stored.
 */
export async function planCacheUse(cache: AnswerCache | undefined, protocol: string, request: ChatRequest, headers: IncomingHttpHeaders, record: RequestRecord, keyCache?: KeyCacheSettings): Promise<CacheUse> {
  if (cache === undefined || protocol !== 'chat' || keyCache?.enabled === false) return noCacheUse;
  if (!cache.covers(request.model, keyCache?.models) || !isCacheableRequest(request)) return noCacheUse;
  const ttlMs = keyCache?.ttlMs ?? cache.policy.ttlMs;
  const directive = readCacheDirective(headers);
  if (directive === 'no-store') {
    record.cache = 'bypass';
    return noCacheUse;
  }
  const key = computeCacheKey(request);
  const found = directive === 'no-cache' ? undefined : await cache.lookup(key, ttlMs);
  if (found === cacheUnavailable) {
    // The shared store is down: served as if the cache were off, and counted (docs/caching.md "Redis").
    record.cache = cacheUnavailable;
    return noCacheUse;
  }
  record.cache = directive === 'no-cache' ? 'bypass' : found === undefined ? 'miss' : 'hit';
  // The log row names the hit among its adaptations (it has no upstream attempt).
  if (found !== undefined) record.adaptations.push(cacheHitAdaptation);
  // `charge_hits`: the stored usage is the request's, settled against the key and priced like an upstream answer's.
  if (found?.usage != null && cache.policy.chargeHits) recordUsage(record, found.usage, 'upstream');
  return { hit: found, stores: true, store: async (completion) => isCacheableCompletion(completion) && (await cache.store(key, completion, ttlMs)) };
}
