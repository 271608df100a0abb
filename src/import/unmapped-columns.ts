// Columns of theirs that Sluice has no place for, each with the reason the report gives. A column is
// reported only when it holds something other than its GORM default (empty, 0, 'default', '{}').
// Columns: songquanpeng/one-api model/channel.go and model/token.go; QuantumNous/new-api
// model/channel.go and model/token.go (the Channel and Token structs' gorm tags).

import { readText, type SourceRow } from './source-tables.ts';

export const unmappedChannelColumns: Readonly<Record<string, string>> = {
  group: 'Sluice has no user groups: every key may reach every channel that serves its models',
  system_prompt: 'Sluice does not inject system prompts',
  status_code_mapping: 'Sluice does not rewrite upstream status codes (it classifies them for retry and failover)',
  proxy: 'Sluice sends to upstreams directly (no per-channel proxy)',
  tag: 'channel tags are labels of their console only',
  setting: 'their per-channel settings (proxy, force_format, thinking_to_content…) have no Sluice equivalent',
  model_configs: 'per-channel prices: set `prices:` in Sluice',
  model_ratio: 'per-channel prices: set `prices:` in Sluice',
  completion_ratio: 'per-channel prices: set `prices:` in Sluice',
  ratelimit: 'a per-channel request rate: Sluice limits channels by max_concurrency',
};

export const unmappedTokenColumns: Readonly<Record<string, string>> = {
  group: 'Sluice has no user groups (their group picks prices and channels)',
};

const defaultValues = new Set(['', '0', 'default', '{}', '[]', 'null']);

/** `column = value` for every unmapped column that is set; long values are cut. */
export function findSetColumns(row: SourceRow, columns: Readonly<Record<string, string>>): Array<{ column: string; value: string; why: string }> {
  const found: Array<{ column: string; value: string; why: string }> = [];
  for (const [column, why] of Object.entries(columns)) {
    const value = readText(row, column)?.trim();
    if (value === undefined || defaultValues.has(value)) continue;
    found.push({ column, value: value.length > 60 ? `${value.slice(0, 57)}…` : value, why });
  }
  return found;
}
