// One row of their `channels` table → one Sluice channel entry (as the config file spells it), and
// what could not be carried over. Names and priorities are settled across all rows in plan-import.ts.

import { findChannelType, isMappedType, toSluiceBaseUrl } from './channel-types.ts';
import type { ReportItem } from './import-policy.ts';
import { readInteger, readText, splitList, type SourceKind, type SourceRow } from './source-tables.ts';
import { findSetColumns, unmappedChannelColumns } from './unmapped-columns.ts';

/** A channel entry of the config file (snake_case, as written). */
export interface ChannelEntry {
  name: string;
  type: string;
  base_url?: string;
  api_key?: string;
  api_keys?: string[];
  models: string[];
  model_map?: Record<string, string>;
  priority?: number;
  weight?: number;
  api_version?: string;
  overrides?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface MappedChannel {
  id: number;
  /** Their priority: higher is tried first (plan-import.ts turns it into Sluice's order). */
  theirPriority: number;
  entry: ChannelEntry | undefined;
  items: ReportItem[];
}

/** Their channel statuses (common/constants.go in both): 1 enabled, 2 manually, 3 automatically disabled. */
const channelStatus = { enabled: 1, manuallyDisabled: 2, autoDisabled: 3 } as const;

export function describeChannel(row: SourceRow): string {
  return `channel #${String(readInteger(row, 'id') ?? '?')} "${readText(row, 'name') ?? ''}"`;
}

export function mapChannel(row: SourceRow, kind: SourceKind): MappedChannel {
  const id = readInteger(row, 'id') ?? 0;
  const subject = describeChannel(row);
  const items: ReportItem[] = [];
  const report = (what: string, why: string): void => {
    items.push({ subject, what, why });
  };
  const theirPriority = readInteger(row, 'priority') ?? 0;
  const skipped = (what: string, why: string): MappedChannel => {
    report(what, why);
    return { id, theirPriority, entry: undefined, items };
  };

  const status = readInteger(row, 'status') ?? channelStatus.enabled;
  if (status !== channelStatus.enabled) {
    const how = status === channelStatus.autoDisabled ? `disabled automatically by ${kind} (failing upstream or refused key)` : `disabled in ${kind}`;
    return skipped('not imported', `${how}: Sluice config channels are always live; enable it in ${kind} and import again, or add it by hand`);
  }
  const type = readInteger(row, 'type') ?? 0;
  const found = findChannelType(kind, type);
  if (!isMappedType(found)) return skipped(`not imported (type ${String(type)}, ${found.name})`, found.reason);

  const models = splitList(readText(row, 'models'));
  if (models.length === 0) return skipped('not imported', 'it lists no models, so it served nothing');
  const keys = readKeys(row, kind, report);
  if (keys.length === 0 && found.sluiceType !== 'ollama') return skipped('not imported', 'it has no API key');
  const baseUrl = toSluiceBaseUrl(found, readText(row, 'base_url'));
  if (baseUrl === undefined) return skipped('not imported', `type ${found.name} needs a base URL and the channel has none`);

  const entry: ChannelEntry = { name: readText(row, 'name')?.trim() ?? `channel-${String(id)}`, type: found.sluiceType, models };
  // Anthropic, Gemini and Ollama default to the same address in Sluice: written only when it differs.
  if (found.sluiceType === 'openai' || found.sluiceType === 'azure' || baseUrl !== found.defaultBaseUrl) entry.base_url = baseUrl;
  const [onlyKey] = keys;
  if (keys.length === 1 && onlyKey !== undefined) entry.api_key = onlyKey;
  if (keys.length > 1) entry.api_keys = keys;
  const modelMap = readModelMapping(row, models, report);
  if (modelMap !== undefined) entry.model_map = modelMap;
  const weight = readInteger(row, 'weight') ?? 0;
  if (weight > 0) entry.weight = weight;
  if (found.sluiceType === 'azure') {
    const version = readAzureVersion(row);
    if (version === undefined) report('api_version', "none set: Sluice's default Azure api-version is used");
    else entry.api_version = version;
  } else if (readText(row, 'other') !== undefined) {
    report('other', `a type-specific setting of ${kind}'s ${found.name} adaptor; Sluice's ${found.sluiceType} channel has none`);
  }
  if (type === 17) report('type', `${kind} called DashScope's native API; Sluice calls its OpenAI-compatible mode (${baseUrl}) with the same key`);
  const extras = readNewApiExtras(row, report);
  if (extras.overrides !== undefined) entry.overrides = extras.overrides;
  if (Object.keys(extras.headers).length > 0) entry.headers = extras.headers;
  readOneApiConfig(row, report);
  for (const { column, value, why } of findSetColumns(row, unmappedChannelColumns)) {
    report(column === 'group' || column === 'tag' ? `${column} "${value}"` : column, why);
  }
  return { id, theirPriority, entry, items };
}

type Report = (what: string, why: string) => void;

/**
 * Several keys, one per line (one-api's batch form; new-api's multi-key mode, which also takes a
 * JSON array). new-api's `channel_info.multi_key_status_list` marks keys it disabled: left out.
 */
function readKeys(row: SourceRow, kind: SourceKind, report: Report): string[] {
  const text = readText(row, 'key')?.trim();
  if (text === undefined) return [];
  let keys: string[];
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      keys = Array.isArray(parsed) ? parsed.map((key) => (typeof key === 'string' ? key : JSON.stringify(key))) : [text];
    } catch {
      keys = [text];
    }
  } else {
    keys = text.split('\n');
  }
  keys = keys.map((key) => key.trim()).filter((key) => key !== '');
  if (kind !== 'new-api') return [...new Set(keys)];
  const disabled = readDisabledKeyIndexes(readText(row, 'channel_info'));
  if (disabled.size > 0) report(`${String(disabled.size)} of ${String(keys.length)} keys`, 'disabled in new-api (multi-key status): left out');
  return [...new Set(keys.filter((_key, index) => !disabled.has(index)))];
}

function readDisabledKeyIndexes(channelInfo: string | undefined): Set<number> {
  const info = parseJsonObject(channelInfo);
  const statuses = info?.multi_key_status_list;
  if (info?.is_multi_key !== true || typeof statuses !== 'object' || statuses === null) return new Set();
  return new Set(Object.entries(statuses).filter(([, status]) => status !== 1).map(([index]) => Number(index)));
}

/** `{"client name": "upstream name"}`; entries for models the channel does not list never applied there. */
function readModelMapping(row: SourceRow, models: readonly string[], report: Report): Record<string, string> | undefined {
  const text = readText(row, 'model_mapping');
  if (text === undefined) return undefined;
  const parsed = parseJsonObject(text);
  if (parsed === undefined) {
    report('model_mapping', 'not a JSON object');
    return undefined;
  }
  const map: Record<string, string> = {};
  for (const [from, to] of Object.entries(parsed)) {
    if (typeof to !== 'string' || to.trim() === '') report(`model_mapping "${from}"`, 'its target is not a model name');
    else if (!models.includes(from)) report(`model_mapping "${from}"`, 'the channel does not list that model, so the mapping never applied');
    else if (to !== from) map[from] = to;
  }
  return Object.keys(map).length === 0 ? undefined : map;
}

/** Azure's api-version: one-api keeps it in `config` ({"api_version"}) or, before, in `other`; new-api in `other`. */
function readAzureVersion(row: SourceRow): string | undefined {
  const version = parseJsonObject(readText(row, 'config'))?.api_version;
  if (typeof version === 'string' && version.trim() !== '') return version.trim();
  return readText(row, 'other')?.trim();
}

/** one-api's `config` JSON: region, ak/sk, user_id, library_id, plugin, vertex…; only api_version maps. */
function readOneApiConfig(row: SourceRow, report: Report): void {
  const config = parseJsonObject(readText(row, 'config'));
  const unused = Object.entries(config ?? {}).filter(([name, value]) => name !== 'api_version' && value !== '' && value !== null && value !== false);
  if (unused.length > 0) report(`config ${unused.map(([name]) => name).join(', ')}`, 'type-specific settings of their adaptors; Sluice has none of them');
}

/** new-api's param_override (→ overrides), header_override and openai_organization (→ headers). */
function readNewApiExtras(row: SourceRow, report: Report): { overrides: Record<string, unknown> | undefined; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const organization = readText(row, 'openai_organization')?.trim();
  if (organization !== undefined) headers['OpenAI-Organization'] = organization;
  const headerText = readText(row, 'header_override');
  const headerOverride = parseJsonObject(headerText);
  if (headerText !== undefined && headerOverride === undefined) report('header_override', 'not a JSON object');
  for (const [name, value] of Object.entries(headerOverride ?? {})) {
    // `{api_key}` and the like are new-api placeholders Sluice does not expand.
    if (typeof value !== 'string' || /[\r\n]/.test(value) || /\{[a-z_]+\}/.test(value) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) report(`header_override "${name}"`, 'not a plain header value (placeholders are not expanded by Sluice)');
    else headers[name] = value;
  }
  const paramText = readText(row, 'param_override');
  const params = parseJsonObject(paramText);
  if (paramText === undefined) return { overrides: undefined, headers };
  if (params === undefined || 'operations' in params) {
    report('param_override', 'only a plain JSON object maps (to overrides, a merge patch); new-api operation lists do not');
    return { overrides: undefined, headers };
  }
  if (Object.keys(params).length === 0) return { overrides: undefined, headers };
  report('param_override', 'imported as overrides: a merge patch, where nested objects merge and null deletes a field');
  return { overrides: params, headers };
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
