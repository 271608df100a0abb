// Typo help for unknown keys: `prioirty` → did you mean "priority"? Known keys come from the schema.

import * as z from 'zod';

/** The object schema that validates the value at `path`, looking through optional, arrays and records. */
export function findObjectSchema(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
  let current = unwrapSchema(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      const shape = current.shape as Readonly<Record<string, z.ZodType | undefined>>;
      const field = shape[segment];
      if (field === undefined) return undefined;
      current = unwrapSchema(field);
    } else if (current instanceof z.ZodArray) {
      current = unwrapSchema(current.element as z.ZodType);
    } else if (current instanceof z.ZodRecord) {
      current = unwrapSchema(current.valueType as z.ZodType);
    } else {
      return undefined;
    }
  }
  return current instanceof z.ZodObject ? current : undefined;
}

function unwrapSchema(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return unwrapSchema(schema.unwrap() as z.ZodType);
  }
  return schema;
}

/** How to phrase an unknown key: the closest known key if it looks like a typo, else all of them. */
export function suggestKey(unknown: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = measureEditDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const tolerance = Math.max(2, Math.floor(unknown.length / 3));
  if (best !== undefined && bestDistance <= tolerance) return `unknown key; did you mean "${best}"?`;
  return `unknown key; known keys: ${known.join(', ')}`;
}

/** Levenshtein distance, one row at a time. */
function measureEditDistance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let row = 1; row <= from.length; row++) {
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const substitution = (previous[column - 1] ?? 0) + (from[row - 1] === to[column - 1] ? 0 : 1);
      current[column] = Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[to.length] ?? 0;
}
