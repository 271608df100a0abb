// What the rest of Sluice may ask of storage. relay/ and server/ depend on these interfaces only;
// open-store.ts builds them on SQLite or PostgreSQL. Times are epoch milliseconds throughout.
// Keys and the quota ledger: key-ports.ts; the change feed and the instance registry: cluster-ports.ts.
import type { UsageSource } from '../core/chat.ts';
import type { ChangeFeed, InstanceStore } from './cluster-ports.ts';
import type { KeyStore, QuotaLedger } from './key-ports.ts';

export type * from './cluster-ports.ts';
export type * from './key-ports.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ── Request log ────────────────────────────────────────────────────────────────────────────────

/** One upstream attempt; the same fields as relay's AttemptRecord. */
export interface LoggedAttempt {
  channel: string;
  upstreamModel: string;
  upstreamStream: boolean;
  status: number | undefined;
  errorCode: string | undefined;
  durationMs: number;
  /** The upstream was at fault, as the breaker judged (false in rows written before it was kept). */
  countsAgainstChannel: boolean;
}

/** One request: relay's RequestRecord plus who asked and when. */
export interface RequestLogRow {
  /** When the request arrived. */
  time: number;
  requestId: string;
  keyName: string | undefined;
  clientModel: string;
  clientStream: boolean;
  channel: string | undefined;
  upstreamModel: string | undefined;
  upstreamStream: boolean | undefined;
  adaptations: string[];
  attempts: LoggedAttempt[];
  status: number;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  firstTokenMs: number | undefined;
  durationMs: number;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  usageSource: UsageSource | undefined;
  clientIp: string | undefined;
  userAgent: string | undefined;
  /** The client model that answered: the one asked for, or a fallback. */
  answeredModel: string | undefined;
  /** Sluice's own time until the response started. */
  overheadMs: number | undefined;
  /** The debug capture as JSON text, when capture was on. */
  capture: string | undefined;
  /** The client protocol: `chat`, `responses`, `messages`, `embeddings` (issue 14). */
  ingress: string | undefined;
  /** USD at the configured prices; undefined: no usage, or no price (docs/cost.md). */
  costUsd?: number | undefined;
  /** Of `promptTokens`: read from a prompt cache, where the upstream said. */
  cachedPromptTokens?: number | undefined;
  /** The client request's body and the answer sent to the client, in bytes; undefined where not measured (issue 18). */
  requestBytes?: number | undefined;
  responseBytes?: number | undefined;
}

export interface RequestLogFilter {
  /** Inclusive. */
  since?: number | undefined;
  /** Exclusive. */
  until?: number | undefined;
  keyName?: string | undefined;
  /** Matches the client's model or the upstream model. */
  model?: string | undefined;
  channel?: string | undefined;
  status?: number | undefined;
  /** Status ≥ 400, or an error code (a stream that failed after the client got 200). */
  errorsOnly?: boolean | undefined;
}

export interface PageRequest {
  /** 1…500; 50 when absent. */
  limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface RequestLogPage {
  /** Newest first. */
  rows: RequestLogRow[];
  /** Absent on the last page. */
  nextCursor: string | undefined;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface ChannelModelStats {
  /** undefined: requests that reached no channel. */
  channel: string | undefined;
  /** The upstream model, or the client's model when no channel answered. */
  model: string;
  requests: number;
  errors: number;
  /** errors / requests. */
  errorRate: number;
  durationMs: Percentiles;
  /** undefined when no request in the group produced a first token. */
  firstTokenMs: Percentiles | undefined;
}

/** What one key spent on one channel and upstream model over a window (docs/cost.md). */
export interface SpendGroup {
  /** undefined: requests without a key (keyless Sluice, refusals before authentication). */
  keyName: string | undefined;
  channel: string | undefined;
  /** The upstream model, or the client's model when no channel answered. */
  model: string;
  requests: number;
  /** USD of the priced requests. */
  costUsd: number;
  /** Requests that used tokens but had no price: their cost is unknown (not in `costUsd`). */
  unpricedRequests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

/** One span of a window's time series. */
export interface TimelineBucket {
  start: number;
  requests: number;
  errors: number;
  durationMs: Percentiles | undefined;
  firstTokenMs: Percentiles | undefined;
  overheadMs: Percentiles | undefined;
}

export interface RetentionCut {
  logsBefore: number;
  capturesBefore: number;
  batchRows: number;
}

export interface PruneResult {
  deletedRows: number;
  clearedCaptures: number;
}

export interface StatsWindow {
  /** Inclusive. */
  since: number;
  /** Exclusive; now when absent. */
  until?: number | undefined;
}

export interface RequestLogStore {
  /** Writes the rows in one batch; the hot path goes through log-writer.ts, never here. */
  append(rows: readonly RequestLogRow[]): Promise<void>;
  /** The latest row with this request id. */
  get(requestId: string): Promise<RequestLogRow | undefined>;
  list(filter?: RequestLogFilter, page?: PageRequest): Promise<RequestLogPage>;
  /** Sorted by channel, then model. */
  summarize(window: StatsWindow): Promise<ChannelModelStats[]>;
  /** Sorted by key, channel, model. */
  spend(window: StatsWindow): Promise<SpendGroup[]>;
  /** The window in `buckets` equal spans, oldest first. */
  timeline(window: StatsWindow, buckets: number): Promise<TimelineBucket[]>;
  /**
   * One batch of retention: deletes up to `batchRows` of the oldest rows before `logsBefore`, and
   * nulls out up to `batchRows` debug captures before `capturesBefore`. Fewer than `batchRows`
   * of each: nothing more is due.
   */
  prune(cut: RetentionCut): Promise<PruneResult>;
}

// ── Learned capabilities ───────────────────────────────────────────────────────────────────────

export interface LearnedCapability {
  channel: string;
  /** Upstream model name. */
  model: string;
  /** e.g. `stream`, `stream_options`. */
  capability: string;
  /** e.g. `"required"`, `false`. */
  value: JsonValue;
  /** Why Sluice believes it: the upstream's words, or the probe that showed it. */
  evidence: string;
  learnedAt: number;
  /** When to ask the upstream again; undefined: never. */
  recheckAt: number | undefined;
}

export interface CapabilityStore {
  /** Inserts, or replaces the row with the same channel, model and capability. */
  upsert(capability: LearnedCapability): Promise<void>;
  /** Sorted by channel, model, capability. */
  list(channel?: string): Promise<LearnedCapability[]>;
  /** Forgets one capability, or every capability of the channel and model; the number forgotten. */
  delete(channel: string, model: string, capability?: string): Promise<number>;
  /** Those with `recheckAt` ≤ now, soonest first. */
  listDue(now: number): Promise<LearnedCapability[]>;
}

// ── Channels created through the admin API ─────────────────────────────────────────────────────

export interface StoredChannel {
  name: string;
  /** The channel as the config file would spell it (validated by the caller, stored as is). */
  config: { [key: string]: JsonValue };
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NewChannel {
  name: string;
  config: { [key: string]: JsonValue };
  enabled?: boolean | undefined;
}

export interface ChannelChanges {
  config?: { [key: string]: JsonValue } | undefined;
  enabled?: boolean | undefined;
}

export interface ChannelStore {
  /** Throws StoreConflictError when the name is taken. */
  create(channel: NewChannel): Promise<StoredChannel>;
  get(name: string): Promise<StoredChannel | undefined>;
  /** Sorted by name. */
  list(): Promise<StoredChannel[]>;
  /** undefined: no such channel. */
  update(name: string, changes: ChannelChanges): Promise<StoredChannel | undefined>;
  /** false: no such channel. */
  delete(name: string): Promise<boolean>;
}

// ── All of it ──────────────────────────────────────────────────────────────────────────────────

export type StoreKind = 'sqlite' | 'postgres';

export interface Store {
  kind: StoreKind;
  keys: KeyStore;
  requestLogs: RequestLogStore;
  capabilities: CapabilityStore;
  channels: ChannelStore;
  /** PostgreSQL: changes made by every instance sharing the database; SQLite (one instance): undefined. */
  changes: ChangeFeed | undefined;
  /** PostgreSQL: the registry of instances sharing the database; SQLite (one instance): undefined. */
  instances: InstanceStore | undefined;
  /** Settled quota charges, idempotent by request id (used when quotas are held in Redis). */
  quotaLedger: QuotaLedger;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Rewrites one small row: resolves when the store takes writes, throws the store's own error when
   * it cannot (read-only, full, down, or a SQLite file deleted or replaced since it was opened).
   */
  probeWrite(): Promise<void>;
  /** SQLite: why the path no longer names the file opened (deleted, replaced); else undefined. */
  findFileChange(): string | undefined;
  /** Closes the database; pending log rows are the log writer's to flush first. */
  close(): Promise<void>;
}
