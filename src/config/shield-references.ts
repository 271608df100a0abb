// `${NAME}` must work anywhere a value can stand, including flow collections such as the design's
// `keys: [{ name: app, key: ${APP_KEY} }]`, where YAML would read the `{` as a nested mapping.
// Before parsing, each reference's braces are swapped for private-use characters (same length, so
// YAML error positions stay right); after parsing they are swapped back, then interpolated.

import { isJsonObject } from '../core/chat.ts';

const open = '\uE000';
const close = '\uE001';
const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const shielded = new RegExp(`\\$${open}([A-Za-z_][A-Za-z0-9_]*)${close}`, 'g');

export function shieldReferences(text: string): string {
  // A file that already holds the private-use characters is left as written rather than misread.
  if (text.includes(open) || text.includes(close)) return text;
  return text.replace(reference, `$${open}$1${close}`);
}

export function unshieldText(text: string): string {
  return text.replace(shielded, '$${$1}');
}

/** Restores every string and key in a parsed value. */
export function unshieldReferences(value: unknown): unknown {
  if (typeof value === 'string') return unshieldText(value);
  if (Array.isArray(value)) return value.map((item: unknown) => unshieldReferences(item));
  if (isJsonObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[unshieldText(key)] = unshieldReferences(item);
    return result;
  }
  return value;
}
