// Spend over a window (docs/cost.md), per key, channel and upstream model, summed by the database:
// USD of the priced requests, and how many requests had tokens but no price (their cost is unknown,
// not 0). A few rows per (key, channel, model) leave the database, whatever the traffic.
import { sql, type Kysely } from 'kysely';
import type { SpendGroup } from './ports.ts';
import type { Database } from './schema.ts';

interface SpendRow {
  key_name: string | null;
  channel: string | null;
  model: string;
  requests: number | string;
  cost_usd: number | string | null;
  unpriced: number | string | null;
  prompt_tokens: number | string | null;
  cached_prompt_tokens: number | string | null;
  completion_tokens: number | string | null;
}

const hasTokens = sql`(prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL)`;

export async function summarizeSpend(db: Kysely<Database>, window: { since: number; until: number }): Promise<SpendGroup[]> {
  const result = await sql<SpendRow>`
    SELECT key_name, channel, COALESCE(upstream_model, client_model) AS model, COUNT(*) AS requests,
      SUM(cost_usd) AS cost_usd,
      SUM(CASE WHEN cost_usd IS NULL AND ${hasTokens} THEN 1 ELSE 0 END) AS unpriced,
      SUM(prompt_tokens) AS prompt_tokens, SUM(cached_prompt_tokens) AS cached_prompt_tokens, SUM(completion_tokens) AS completion_tokens
    FROM request_logs WHERE time >= ${window.since} AND time < ${window.until}
    GROUP BY key_name, channel, COALESCE(upstream_model, client_model)`.execute(db);
  // Sorted here: SQLite puts NULLs first and PostgreSQL last.
  const text = (value: string | null): string => value ?? '';
  const rows = result.rows.sort((left, right) => text(left.key_name).localeCompare(text(right.key_name)) || text(left.channel).localeCompare(text(right.channel)) || left.model.localeCompare(right.model));
  return rows.map((row) => ({
    keyName: row.key_name ?? undefined,
    channel: row.channel ?? undefined,
    model: row.model,
    requests: Number(row.requests),
    costUsd: Number(row.cost_usd ?? 0),
    unpricedRequests: Number(row.unpriced ?? 0),
    promptTokens: Number(row.prompt_tokens ?? 0),
    cachedPromptTokens: Number(row.cached_prompt_tokens ?? 0),
    completionTokens: Number(row.completion_tokens ?? 0),
  }));
}
