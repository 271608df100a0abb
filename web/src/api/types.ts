// The admin API's shapes, as the console reads them (docs/admin-api.md, /admin/api/openapi.json).
// Loose on purpose: fields the console does not show are not listed, optional ones may be absent.

export type StreamSupport = 'required' | 'unsupported' | 'supported';

export interface CapabilityHints {
  stream?: StreamSupport;
  stream_options?: boolean;
  drop_fields?: string[];
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitView {
  /** Upstream model. */
  model: string;
  state: BreakerState;
  failures: number;
}

export interface RefusedKeyView {
  /** Masked. */
  key: string;
  reason: string;
  since: string | null;
  recheck_at: string | null;
}

/** A learned capability as a channel lists it: the hints, with the evidence. */
export interface LearnedHints extends CapabilityHints {
  model: string;
  evidence: string;
  learned_at: string | null;
  recheck_at: string | null;
}

/** A row of GET /capabilities. */
export interface LearnedCapability extends LearnedHints {
  channel: string;
}

export interface ChannelHealth {
  circuits: CircuitView[];
  refused_keys: RefusedKeyView[];
  learned: LearnedHints[];
}

/** A channel as the admin API lists it, spelled as in the config file; `source: "config"` ones are read-only. */
export interface ChannelView {
  name: string;
  source: 'config' | 'api';
  enabled: boolean;
  /** Absent only for a stored channel that no longer validates (see `problems`). */
  type?: string;
  base_url?: string | null;
  /** Masked. */
  api_keys?: string[];
  models?: string[];
  model_map?: Record<string, string>;
  priority?: number;
  weight?: number;
  overrides?: Record<string, unknown> | null;
  headers?: Record<string, string>;
  api_version?: string | null;
  max_concurrency?: number | null;
  prefer_stream?: boolean;
  debug?: boolean;
  capabilities?: Record<string, CapabilityHints>;
  health?: ChannelHealth;
  problems?: string[];
  created_at?: string | null;
  updated_at?: string | null;
}

export interface ProbeCheck {
  ok: boolean;
  status: number | null;
  /** The upstream's own words, when the call failed. */
  error?: string;
  usage?: boolean;
}

export interface ProbeModelResult {
  model: string;
  non_stream: ProbeCheck;
  stream: ProbeCheck;
  stream_options: ProbeCheck;
  configured: CapabilityHints;
  learned: CapabilityHints;
  resulting: CapabilityHints;
}

export interface ProbeResult {
  channel: string;
  models: ProbeModelResult[];
}

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  /** Config keys come back at each start: revoke them with `enabled: false`, remove them in the file. */
  source: 'config' | 'api';
  models: string[];
  rpm: number | null;
  tpm: number | null;
  quota_tokens: number | null;
  remaining_tokens: number | null;
  /** ISO 8601. */
  expires_at: string | null;
  enabled: boolean;
  debug: boolean;
  created_at: string | null;
  updated_at: string | null;
  /** Requests and tokens in the current minute, when the API reports them. */
  usage?: { rpm?: number; tpm?: number } | null;
}

export interface CreatedKey extends KeyView {
  /** The full key: given once, at creation. */
  key: string;
}

export interface LoggedAttempt {
  channel: string;
  upstream_model: string;
  upstream_stream: boolean;
  status: number | null;
  error_code: string | null;
  duration_ms: number;
}

export interface LogRow {
  /** ISO 8601. */
  time: string;
  request_id: string;
  /** The client key's name. */
  key: string | null;
  client_model: string;
  answered_model: string | null;
  client_stream: boolean;
  /** The client protocol: chat, responses, messages, embeddings (null on older rows). */
  ingress?: string | null;
  channel: string | null;
  upstream_model: string | null;
  upstream_stream: boolean | null;
  adaptations: string[];
  attempts: LoggedAttempt[];
  status: number;
  error_code: string | null;
  error_message: string | null;
  first_token_ms: number | null;
  duration_ms: number;
  overhead_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  usage_source: 'upstream' | 'estimated' | 'units' | null;
  /** USD at the configured prices; null: no usage or no price (unknown, not 0). Absent before docs/cost.md. */
  cost_usd?: number | null;
  cached_prompt_tokens?: number | null;
  client_ip: string | null;
  user_agent: string | null;
  /** A debug capture is kept with the row. */
  captured: boolean;
}

export interface LogPage {
  data: LogRow[];
  next_cursor: string | null;
}

export interface CapturedExchange {
  url: string;
  /** Secrets masked. */
  request_headers: Record<string, string>;
  request_body: string;
  status: number | null;
  response_headers: Record<string, string>;
  /** The raw body; for a stream, the SSE transcript. */
  response_body: string;
  truncated: boolean;
}

export interface Capture {
  client_request: string;
  client_response: string;
  attempts: CapturedExchange[];
}

export interface LogDetail extends LogRow {
  capture: Capture | null;
}

export interface ReplayOutcome {
  request_id?: string;
  status: number;
  content: string;
  finish_reason: string | null;
  usage?: { prompt_tokens: number | null; completion_tokens: number | null; source: string | null };
  channel: string | null;
  attempts?: unknown[];
  error: { code: string | null; message: string } | null;
}

export interface ReplayResult {
  request_id: string;
  replay_request_id: string;
  pinned_channel: string | null;
  original: ReplayOutcome;
  replay: ReplayOutcome;
  same: boolean;
  differences: { field: string; original: unknown; replay: unknown }[];
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface StatsGroup {
  /** null: requests that reached no channel. */
  channel: string | null;
  model: string;
  requests: number;
  errors: number;
  error_rate: number;
  duration_ms: Percentiles | null;
  first_token_ms: Percentiles | null;
}

/** One time bucket of the window, when the API gives a series (else the console makes one from the log). */
export interface StatsBucket {
  time: number | string;
  requests: number;
  errors: number;
  duration_ms: Percentiles | null;
  first_token_ms: Percentiles | null;
  overhead_ms?: Percentiles | null;
}

export interface SpendTotal {
  cost_usd: number;
  requests: number;
  unpriced_requests: number;
}

/** GET /stats `spend` (docs/cost.md): USD per key, channel and model, totals dearest first. */
export interface SpendView {
  total_usd: number;
  unpriced_requests: number;
  by_key: (SpendTotal & { key: string | null })[];
  by_channel: (SpendTotal & { channel: string | null })[];
  by_model: (SpendTotal & { model: string })[];
}

export interface StatsView {
  window: string;
  since: string;
  until: string;
  data: StatsGroup[];
  series?: StatsBucket[];
  spend?: SpendView;
}

export interface ModelView {
  id: string;
  owned_by: string;
  capabilities?: { stream: 'native' | 'adapted'; non_stream: 'native' | 'adapted'; stream_options: boolean };
}

/** One alert of GET /alerts (docs/alerts.md): a rule on a channel, model, key or the shared state. */
export interface AlertView {
  rule: string;
  kind: string;
  subject: 'channel' | 'model' | 'key' | 'shared_state';
  name: string;
  channel: string | null;
  state: 'firing' | 'resolved';
  summary: string;
  value: number | null;
  threshold: number | null;
  requests: number | null;
  fired_at: string;
  changed_at: string;
}

/** GET /admin/api/cache: the response cache's settings and this instance's counts since it started. */
export interface CacheView {
  enabled: boolean;
  backend: 'memory' | 'redis' | null;
  ttl_s: number | null;
  since: string;
  requests: { hit: number; miss: number; bypass: number; unavailable: number };
  hit_ratio: number | null;
}
