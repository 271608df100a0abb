// RFC 7396 JSON Merge Patch: how a channel's `overrides` edit the upstream body. `{stream_options: null}`
// deletes the field for upstreams that reject it (Azure api-version < 2024-09-01-preview,
// songquanpeng/one-api#1423; docs/design.md problem 1).
import { isJsonObject, type JsonObject } from '../core/chat.ts';

/**
 * `patch` applied to `target` per RFC 7396 §2: a non-object patch replaces the target; an object patch
 * merges key by key, `null` deleting, objects merging recursively, arrays and scalars replacing.
 * Inputs are never mutated; untouched subtrees of `target` are shared with the result, values taken
 * from `patch` are copied so later edits of the result cannot reach the channel config.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return copyValue(patch);
  const source: JsonObject = isJsonObject(target) ? target : {};
  const result: JsonObject = {};
  for (const key of new Set([...Object.keys(source), ...Object.keys(patch)])) {
    const current = Object.hasOwn(source, key) ? source[key] : undefined;
    if (!Object.hasOwn(patch, key)) setOwn(result, key, current);
    else if (patch[key] !== null) setOwn(result, key, applyMergePatch(current, patch[key]));
  }
  return result;
}

function copyValue(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/** A key named `__proto__` (JSON.parse makes it an own key) must stay data, not set the prototype. */
function setOwn(object: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}
