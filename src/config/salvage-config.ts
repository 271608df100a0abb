// When the schema rejects a config, the cross-field rules (check-config.ts) still run on what did
// parse, so one report lists every problem: a wrong channel type or a duplicate name no longer waits
// until the schema's own errors are fixed. Each top-level field, each channel and each key is kept
// field by field where the field parses on its own; what does not parse is left out (and reported by
// the schema), so a rule never sees a value the schema refused.

import type * as z from 'zod';
import { isJsonObject } from '../core/chat.ts';
import type { CheckedConfig } from './check-config.ts';
import { configSchemas } from './schema.ts';

type Shape = Readonly<Record<string, z.ZodType>>;

export function salvageConfig(value: unknown): CheckedConfig | undefined {
  if (!isJsonObject(value)) return undefined;
  const schemas = configSchemas();
  const { channels: _channels, keys: _keys, ...topLevel } = schemas.config.shape;
  return {
    ...salvageFields(topLevel, value),
    channels: salvageEntries(schemas.channel.shape, value.channels),
    keys: salvageEntries(schemas.clientKey.shape, value.keys),
  } as CheckedConfig;
}

function salvageFields(shape: Shape, value: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shape)) {
    const parsed = field.safeParse(value[name]);
    if (parsed.success && parsed.data !== undefined) kept[name] = parsed.data;
  }
  return kept;
}

/** A list's entries in place (paths keep their index); an entry that is no mapping is an empty one. */
function salvageEntries(shape: Shape, list: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown) => (isJsonObject(entry) ? salvageFields(shape, entry) : {}));
}
