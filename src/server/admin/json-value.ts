// Admin input that the store keeps as JSON (a channel entry) checked to be JSON, not merely assumed.
import type { JsonValue } from '../../store/index.ts';

export type JsonObjectValue = { [key: string]: JsonValue };

export function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  return isJsonObjectValue(value);
}

export function isJsonObjectValue(value: unknown): value is JsonObjectValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(isJsonValue);
}
