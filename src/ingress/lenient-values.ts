// Clients in the wild send `"stream": "true"` and `"max_tokens": "100"`; OpenAI's own servers accept
// neither, but Sluice always has, so these coercions stay ahead of the schemas (issue 12, item 1).
// Built once at module load: the schemas run on every request.
import * as z from 'zod';

/** `"true"`/`"false"` → the boolean; anything else is left for the schema to judge. */
export function coerceBoolean(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** A numeric string → the number; anything else is left for the schema to judge. */
export function coerceNumber(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

export const lenientBoolean = z.preprocess(coerceBoolean, z.boolean());

/** A number in [minimum, maximum], given as a number or a numeric string. */
export function lenientNumber(minimum: number, maximum: number) {
  return z.preprocess(coerceNumber, z.number().min(minimum).max(maximum));
}

/**
 * Any whole number (JSON has no integer type; `Number.isInteger`, so a seed above 2^53 still
 * passes, as it did before), given as a number or a numeric string, within the bounds.
 */
export function lenientInteger(minimum = -Infinity, maximum = Infinity) {
  return z.preprocess(coerceNumber, wholeNumber(minimum, maximum));
}

/** A whole number within the bounds; `expected` tells describe-issue.ts to word it as a type error. */
export function wholeNumber(minimum = -Infinity, maximum = Infinity) {
  let number = z.number();
  if (Number.isFinite(minimum)) number = number.min(minimum);
  if (Number.isFinite(maximum)) number = number.max(maximum);
  return number.refine(Number.isInteger, { params: { expected: 'integer' } });
}
