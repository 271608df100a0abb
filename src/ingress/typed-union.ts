// Objects told apart by a `type` (or `role`) field. The known kinds are checked field by field; an
// unknown kind is either refused (message roles) or passed through as it is (vendor extensions such
// as vLLM's `video_url` content part or an upstream's built-in tool), so a gateway in front of many
// upstreams does not refuse what one of them understands.
import * as z from 'zod';
import { isJsonObject } from '../core/chat.ts';

type KnownKind = z.ZodObject<Record<string, z.ZodType>>;

/** Known kinds only: an unknown value of `key` is a 400 listing the supported ones. */
export function closedUnion<Kinds extends readonly [KnownKind, ...KnownKind[]]>(key: string, kinds: Kinds) {
  return z.discriminatedUnion(key, kinds);
}

/**
 * Known kinds checked; any other string `key` passes as sent. The pass-through branch is marked
 * `otherType` so describe-issue.ts never blames it for a known kind's fault.
 */
export function openUnion<Kinds extends readonly [KnownKind, ...KnownKind[]]>(key: string, kinds: Kinds) {
  const known = new Set<unknown>(kinds.flatMap((kind) => [...(kind.shape[key]?._zod.values ?? [])]));
  const other = z.custom<{ [key: string]: unknown }>((value) => isJsonObject(value) && typeof value[key] === 'string' && !known.has(value[key]), {
    params: { otherType: true },
  });
  return z.union([z.discriminatedUnion(key, kinds), other]);
}
