// Conversions between port values and column values shared by the stores: SQL NULL is undefined
// in the ports, booleans are 0/1, lists and objects are JSON text.
import type { JsonValue } from './ports.ts';

export function orUndefined<T>(value: T | null): T | undefined {
  return value ?? undefined;
}

export function orNull<T>(value: T | undefined): T | null {
  return value ?? null;
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function readFlag(value: number): boolean {
  return value !== 0;
}

export function readOptionalFlag(value: number | null): boolean | undefined {
  return value === null ? undefined : value !== 0;
}

/** A JSON column; text that does not parse (written by hand, say) reads as null rather than throwing. */
export function parseJsonText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}

export function parseStringList(text: string): string[] {
  const value = parseJsonText(text);
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

export function parseJsonObject(text: string): { [key: string]: JsonValue } {
  const value = parseJsonText(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}
