// One row of their `tokens` table → one Sluice client key (the store's NewKey), and what could not be
// carried over. Their key column holds the secret without the `sk-` their console shows and their
// clients send (the auth middleware strips it); Sluice stores `sk-<key>` (as its sha256 only), so
// the key the client already has keeps working.

import type { ImportPolicy, ReportItem } from './import-policy.ts';
import { readFlag, readInteger, readText, splitList, type SourceKind, type SourceRow } from './source-tables.ts';
import { findSetColumns, unmappedTokenColumns } from './unmapped-columns.ts';

export interface KeyEntry {
  /** Their token id, to tell same-named tokens apart. */
  sourceId: number;
  name: string;
  key: string;
  models: string[];
  /** undefined: no quota (their unlimited_quota). */
  quotaTokens: number | undefined;
  expiresAt: number | undefined;
  enabled: boolean;
}

export interface MappedToken {
  id: number;
  entry: KeyEntry | undefined;
  items: ReportItem[];
}

/** Their token statuses (common/constants.go in both). */
const tokenStatus = { enabled: 1, disabled: 2, expired: 3, exhausted: 4 } as const;
const statusNames: Readonly<Record<number, string>> = { 2: 'disabled', 3: 'expired', 4: 'exhausted' };

export const clientKeyPrefix = 'sk-';

export function describeToken(row: SourceRow): string {
  return `token #${String(readInteger(row, 'id') ?? '?')} "${readText(row, 'name') ?? ''}"`;
}

export function mapToken(row: SourceRow, kind: SourceKind, policy: ImportPolicy, now: number): MappedToken {
  const id = readInteger(row, 'id') ?? 0;
  const subject = describeToken(row);
  const items: ReportItem[] = [];
  const report = (what: string, why: string): void => {
    items.push({ subject, what, why });
  };
  // new-api deletes softly (gorm.DeletedAt): a deleted token is still a row.
  if (readText(row, 'deleted_at') !== undefined) {
    report('not imported', `deleted in ${kind}`);
    return { id, entry: undefined, items };
  }
  const secret = readText(row, 'key')?.trim();
  if (secret === undefined) {
    report('not imported', 'it has no key');
    return { id, entry: undefined, items };
  }
  const status = readInteger(row, 'status') ?? tokenStatus.enabled;
  let enabled = status === tokenStatus.enabled;
  if (!enabled) report('imported disabled', `${statusNames[status] ?? `status ${String(status)}`} in ${kind}`);

  const expiredTime = readInteger(row, 'expired_time') ?? -1;
  // -1: never expires; otherwise Unix seconds.
  const expiresAt = expiredTime === -1 ? undefined : expiredTime * 1000;
  if (expiresAt !== undefined && expiresAt <= now && enabled) report('expires_at', 'already past: Sluice refuses the key as expired, as they did');

  const quotaTokens = readFlag(row, 'unlimited_quota') ? undefined : convertQuota(readInteger(row, 'remain_quota') ?? 0, policy, report);

  const models = readModelLimits(row, kind);
  const allowed = kind === 'one-api' ? readText(row, 'subnet') : readText(row, 'allow_ips');
  if (allowed !== undefined && enabled) {
    // Deny by default: importing the key without its address limit would let it in from anywhere.
    enabled = false;
    report(`allowed addresses "${allowed.replaceAll('\n', ', ')}"`, 'Sluice keys have no address limit: imported disabled; enable it once the network restricts who can reach Sluice');
  }
  for (const { column, value, why } of findSetColumns(row, unmappedTokenColumns)) report(`${column} "${value}"`, why);
  const key = secret.startsWith(clientKeyPrefix) ? secret : `${clientKeyPrefix}${secret}`;
  return { id, entry: { sourceId: id, name: readText(row, 'name')?.trim() ?? `token-${String(id)}`, key, models, quotaTokens, expiresAt, enabled }, items };
}

/** Their balance in units (500,000 per dollar) → Sluice tokens, said in the report either way. */
function convertQuota(remaining: number, policy: ImportPolicy, report: (what: string, why: string) => void): number {
  const tokens = Math.max(0, Math.floor(remaining * policy.tokensPerQuotaUnit));
  const dollars = (remaining / policy.quotaUnitsPerUsd).toFixed(4);
  report(
    `remain_quota ${String(remaining)} ($${dollars})`,
    `imported as a quota of ${String(tokens)} tokens (${String(policy.tokensPerQuotaUnit)} per unit): Sluice counts tokens of every model alike, they weighed each by model and group ratio`,
  );
  return tokens;
}

/** one-api: `models` (comma-separated, empty: all); new-api: `model_limits` when `model_limits_enabled`. */
function readModelLimits(row: SourceRow, kind: SourceKind): string[] {
  const limits = kind === 'one-api' ? splitList(readText(row, 'models')) : readFlag(row, 'model_limits_enabled') ? splitList(readText(row, 'model_limits')) : [];
  return limits.length === 0 ? ['*'] : limits;
}
