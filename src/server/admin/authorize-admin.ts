// The admin key check: both sides hashed to the same length first, so timingSafeEqual may compare
// them and the time taken says nothing about how much of a guess was right, or about its length.
// Wrong keys are counted per client address (admin-failures.ts): past the limit the address is
// refused before its key is even compared, so a refused guesser learns nothing, right key or not.
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../core/errors.ts';
import type { AdminFailures } from './admin-failures.ts';

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function isAdminKey(presented: string, adminKey: string): boolean {
  return timingSafeEqual(digestOf(presented), digestOf(adminKey));
}

export interface AdminCaller {
  authorization: string | undefined;
  /** The client address wrong keys are counted against. */
  client: string;
}

/**
 * Throws 429 admin_auth_throttled while the caller's address is refused, 401 admin_key_required
 * unless the header is `Bearer <admin_key>`. A missing header is not a guess and is not counted.
 */
export function authorizeAdmin(caller: AdminCaller, adminKey: string, failures: AdminFailures): void {
  const wait = failures.retryAfterSeconds(caller.client);
  if (wait !== undefined) {
    throw new GatewayError('admin_auth_throttled', `Too many wrong admin keys from this address; it may try again in ${wait} s.`, { retryAfterSeconds: wait });
  }
  const match = /^Bearer\s+(.+)$/i.exec(caller.authorization?.trim() ?? '');
  const presented = match?.[1]?.trim();
  if (presented === undefined) throw new GatewayError('admin_key_required', 'The admin API needs `Authorization: Bearer <admin_key>`.');
  // The presented value is never echoed: a client key sent here by mistake stays out of the logs.
  if (!isAdminKey(presented, adminKey)) {
    failures.recordFailure(caller.client);
    throw new GatewayError('admin_key_required', 'The admin key is not valid.');
  }
  failures.recordSuccess(caller.client);
}
