// Small readers for a Messages request body: each returns the value when it has the type Anthropic's
// reference gives it, and throws a 400 naming the field otherwise (docs/ingress-protocols.md §A5).
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { describeType, quoteValue } from '../describe-issue.ts';

export function refuseField(param: string, message: string, hint?: string): never {
  throw new GatewayError('invalid_request', message, hint === undefined ? { param } : { param, hint });
}

export function readObject(value: unknown, param: string): JsonObject {
  if (!isJsonObject(value)) refuseField(param, `${param}: expected an object, got ${describeType(value)}.`);
  return value;
}

export function readArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) refuseField(param, `${param}: expected an array, got ${describeType(value)}.`);
  return value;
}

export function readString(value: unknown, param: string): string {
  if (typeof value !== 'string') refuseField(param, `${param}: expected a string, got ${describeType(value)}.`);
  return value;
}

export function readOptionalString(value: unknown, param: string): string | undefined {
  return value === undefined || value === null ? undefined : readString(value, param);
}

export function readPositiveInteger(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    refuseField(param, `${param}: expected a positive integer, got ${quoteValue(value)}.`);
  }
  return value;
}
