// Client keys are stored as a hash and a short visible prefix; the key itself only at creation.
import { hash, randomBytes } from 'node:crypto';

/** At most this many characters of a key are kept in the clear (`sk-sluice-` and two more)… */
export const visiblePrefixLength = 12;

/** The lookup hash of a presented key: sha256, hex (the one-shot `hash`: a third of createHash's cost per request). */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** …and never more than a quarter of it, so a short key from a config file stays secret. */
export function readKeyPrefix(key: string): string {
  return key.slice(0, Math.min(visiblePrefixLength, Math.floor(key.length / 4)));
}

/** A fresh client key: 32 random bytes, base64url, behind a recognizable prefix. */
export function generateKey(): string {
  return `sk-sluice-${randomBytes(32).toString('base64url')}`;
}
