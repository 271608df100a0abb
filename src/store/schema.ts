// The tables as Kysely sees them. One shape for SQLite and PostgreSQL: times are epoch milliseconds
// (bigint), booleans are 0/1 integers, lists and objects are JSON text; the store's functions
// convert to and from the port types, so nothing outside store/ sees these rows.
import type { Generated } from 'kysely';

export interface ApiKeysTable {
  id: string;
  name: string;
  /** sha256 of the key, hex. The key itself is never stored. */
  key_hash: string;
  /** The first characters of the key, shown so an operator can tell keys apart. */
  prefix: string;
  /** JSON array of client model names or globs. */
  models: string;
  rpm: number | null;
  tpm: number | null;
  quota_tokens: number | null;
  remaining_tokens: number | null;
  expires_at: number | null;
  enabled: number;
  /** 1: capture every exchange of this key's requests (migration 0002). */
  debug: Generated<number>;
  /** Migration 0003: requests of this key in flight at once, and how long one past it waits. */
  max_concurrency: number | null;
  queue_ms: number | null;
  /** Migration 0008: when `remaining_tokens` was last set (created, or an admin change); ledger charges settled before it are not taken off. */
  balance_set_at: Generated<number | null>;
  /** Migration 0009 (docs/cost.md): USD per period, `day` | `month`, the current period's start and spend. */
  budget_usd: number | null;
  budget_period: string | null;
  budget_period_start: number | null;
  budget_spent_usd: number | null;
  /** Migration 0010 (docs/caching.md "Per key"): JSON `{enabled, ttl_ms, models}`, null: the global cache settings. */
  cache: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

export interface RequestLogsTable {
  id: Generated<number>;
  time: number;
  request_id: string;
  key_name: string | null;
  client_model: string;
  channel: string | null;
  upstream_model: string | null;
  client_stream: number;
  upstream_stream: number | null;
  /** JSON array of adaptation names. */
  adaptations: string;
  /** JSON array of attempts. */
  attempts: string;
  status: number;
  error_code: string | null;
  error_message: string | null;
  first_token_ms: number | null;
  duration_ms: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  usage_source: string | null;
  /** The client protocol (issue 14); null on rows written before it was recorded. */
  ingress: string | null;
  client_ip: string | null;
  user_agent: string | null;
  /** Migration 0002: the client model that answered (a fallback), Sluice's own time, the debug capture (JSON). */
  answered_model: string | null;
  overhead_ms: number | null;
  capture: string | null;
  /** Migration 0009: USD at the configured prices (null: unknown), and the prompt tokens read from a cache. */
  cost_usd: number | null;
  cached_prompt_tokens: number | null;
  /** bigint: PostgreSQL hands it back as a string. */
  request_bytes: number | string | null;
  response_bytes: number | string | null;
}

export interface LearnedCapabilitiesTable {
  channel: string;
  model: string;
  capability: string;
  /** JSON text. */
  value: string;
  evidence: string;
  learned_at: number;
  recheck_at: number | null;
}

export interface StoredChannelsTable {
  name: string;
  /** JSON object: the channel as the config file would spell it. */
  config: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** One row per name, rewritten by the readiness write probe (migration 0003). */
export interface SluiceProbeTable {
  name: string;
  written_at: number;
}

/** One row (`config`): bumped in every transaction that changes channels, keys or capabilities (migration 0006). */
export interface SluiceConfigVersionTable {
  name: string;
  version: number;
}

/** One row per running instance, rewritten by its heartbeat (migration 0007); times from the database's clock. */
export interface SluiceInstancesTable {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  last_seen: number;
}

/** One settled charge of a key's token quota, once per request id (migration 0008). */
export interface QuotaLedgerTable {
  request_id: string;
  key_id: string;
  tokens: number;
  settled_at: number;
}

export interface Database {
  api_keys: ApiKeysTable;
  request_logs: RequestLogsTable;
  learned_capabilities: LearnedCapabilitiesTable;
  stored_channels: StoredChannelsTable;
  sluice_probe: SluiceProbeTable;
  sluice_config_version: SluiceConfigVersionTable;
  sluice_instances: SluiceInstancesTable;
  quota_ledger: QuotaLedgerTable;
}
