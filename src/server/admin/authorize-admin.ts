// The admin key check: both sides hashed to the same length first, so timingSafeEqual may compare
// them and the time taken says nothing about how much of a guess was right, or about its length.
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../core/errors.ts';

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function isAdminKey(presented: string, adminKey: string): boolean {
  return timingSafeEqual(digestOf(presented), digestOf(adminKey));
}

/** Throws 401 admin_key_required unless the header is `Bearer <admin_key>`. */
export function authorizeAdmin(authorization: string | undefined, adminKey: string): void {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  const presented = match?.[1]?.trim();
  if (presented === undefined) throw new GatewayError('admin_key_required', 'The admin API needs `Authorization: Bearer <admin_key>`.');
  // The presented value is never echoed: a client key sent here by mistake stays out of the logs.
  if (!isAdminKey(presented, adminKey)) throw new GatewayError('admin_key_required', 'The admin key is not valid.');
}
