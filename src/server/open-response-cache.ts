// Where the exact response cache keeps its answers (docs/caching.md): in Redis, shared by every
// instance, when `redis` is configured; else in this process's memory (an LRU). Off without `cache:`.
import type { Logger } from 'pino';
import type { CachePolicy } from '../core/cache-policy.ts';
import type { AnswerCache, SharedBytes } from '../relay/answer-cache.ts';
import { ResponseCache } from '../relay/response-cache.ts';
import { SharedResponseCache } from '../relay/shared-response-cache.ts';

export function openResponseCache(policy: CachePolicy | undefined, shared: SharedBytes | undefined, logger: Logger): AnswerCache | undefined {
  if (policy === undefined) return undefined;
  if (shared === undefined) return new ResponseCache(policy, () => performance.now());
  logger.info('the response cache is in Redis, shared by every instance; while Redis is down requests go without it (docs/caching.md)');
  // Wall-clock times: an entry's age is read by other instances.
  return new SharedResponseCache(policy, shared, Date.now, (error) => { logger.warn({ err: error }, 'could not compress an answer for the response cache'); });
}
