// How a credential is shown to an operator: enough to tell two apart, never enough to use one.
import { maskSecrets } from '../../relay/capture.ts';

/** `sk-proj-abc…wxyz` → `sk-…wxyz`; short values show less, and the shortest nothing at all. */
export function maskSecret(secret: string): string {
  if (secret.length >= 16) return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
  if (secret.length >= 8) return `…${secret.slice(-2)}`;
  return '…';
}

/** Any JSON value with every known secret inside its strings replaced (headers, overrides, URLs). */
export function maskSecretsDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item: unknown) => maskSecretsDeep(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskSecretsDeep(item, secrets)]));
  }
  return value;
}
