// What the rest of Sluice may ask of storage. relay/ and server/ depend on these interfaces only;
// open-store.ts builds them on SQLite or PostgreSQL. Times are epoch milliseconds throughout.
import type { UsageSource } from '../core/chat.ts';
import type { KeyBudget } from '../core/price.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ── Client API keys ────────────────────────────────────────────────────────────────────────────

export interface KeyRecord {
  id: string;
  name: string;
  /** The first characters of the key: enough to tell keys apart, useless to call with. */
  prefix: string;
  /** Client model names or globs this key may call. */
  models: string[];
  /** Requests per minute; undefined: unlimited. */
  rpm: number | undefined;
  /** Tokens per minute; undefined: unlimited. */
  tpm: number | undefined;
  /** Requests of this key in flight at once; undefined: unlimited. */
  maxConcurrency: number | undefined;
  /** How long a request past `maxConcurrency` waits for a slot before a 429; undefined: the default. */
  queueMs: number | undefined;
  /** Tokens granted; undefined: no quota. */
  quotaTokens: number | undefined;
  /**
   * What is left of the quota, in-flight reservations already taken off; undefined when there is no
   * quota. Below 0 when requests used more than they reserved: recorded, never clamped.
   */
  remainingTokens: number | undefined;
  expiresAt: number | undefined;
  enabled: boolean;
  /** Capture every exchange of this key's requests (debug). */
  debug: boolean;
  /** USD per UTC day or month (docs/cost.md); undefined: no budget. */
  budget: KeyBudget | undefined;
  /** What the period starting at `budgetPeriodStart` spent, in-flight reservations included; above the budget after an overrun. */
  budgetSpentUsd: number | undefined;
  budgetPeriodStart: number | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface NewKey {
  name: string;
  /** The key to store (a key from the config file); a fresh random key when absent. */
  key?: string | undefined;
  models?: string[] | undefined;
  rpm?: number | undefined;
  tpm?: number | undefined;
  maxConcurrency?: number | undefined;
  queueMs?: number | undefined;
  quotaTokens?: number | undefined;
  expiresAt?: number | undefined;
  enabled?: boolean | undefined;
  debug?: boolean | undefined;
  budget?: KeyBudget | undefined;
}

/** Fields to change; `null` clears a limit. A new `quotaTokens` also refills `remainingTokens`. */
export interface KeyChanges {
  name?: string | undefined;
  models?: string[] | undefined;
  rpm?: number | null | undefined;
  tpm?: number | null | undefined;
  maxConcurrency?: number | null | undefined;
  queueMs?: number | null | undefined;
  quotaTokens?: number | null | undefined;
  remainingTokens?: number | null | undefined;
  expiresAt?: number | null | undefined;
  enabled?: boolean | undefined;
  debug?: boolean | undefined;
  /** A new budget keeps what the current period spent; `null` removes the budget and its spend. */
  budget?: KeyBudget | null | undefined;
  /** Sets what the current period spent (0: a fresh start). */
  budgetSpentUsd?: number | undefined;
}

export interface TokenReservation {
  granted: boolean;
  /** The balance after the reservation (granted) or as it stands (refused). */
  remainingTokens: number;
}

export interface BudgetReservation {
  granted: boolean;
  /** The period's spend after the reservation (granted) or as it stands (refused). */
  spentUsd: number;
  /** The start of the period the reservation counts in (settle it there). */
  periodStart: number;
}

export interface CreatedKey {
  record: KeyRecord;
  /** The full key: returned here once and never again (only its hash is stored). */
  key: string;
}

export interface KeyStore {
  /** Throws StoreConflictError when the name or the key is already stored. */
  create(input: NewKey): Promise<CreatedKey>;
  get(id: string): Promise<KeyRecord | undefined>;
  /** By `hashKey(presented key)`; the caller checks `enabled` and `expiresAt`. */
  findByHash(keyHash: string): Promise<KeyRecord | undefined>;
  /** Oldest first. */
  list(): Promise<KeyRecord[]>;
  /** undefined: no such key. Throws StoreConflictError on a name already taken. */
  update(id: string, changes: KeyChanges): Promise<KeyRecord | undefined>;
  /** Disables the key and keeps its record; false: no such key. */
  revoke(id: string): Promise<boolean>;
  /** false: no such key. */
  delete(id: string): Promise<boolean>;
  /**
   * Holds `tokens` of the quota for a request, atomically, only if the balance covers them (granted:
   * false and nothing held otherwise); undefined when the key has no quota or does not exist.
   */
  reserveTokens(id: string, tokens: number): Promise<TokenReservation | undefined>;
  /**
   * Settles a request that held `reserved` and used `used`: the balance moves by reserved − used,
   * below zero if it used more (not clamped). The balance after, or undefined without a quota.
   */
  settleTokens(id: string, reserved: number, used: number): Promise<number | undefined>;
  /**
   * Holds `amountUsd` of the key's budget in the period starting at `periodStart`, atomically, only
   * if the period's spend plus it stays within the budget; a stored period older than `periodStart`
   * starts over from 0. undefined when the key has no budget or does not exist.
   */
  reserveBudget(id: string, periodStart: number, amountUsd: number): Promise<BudgetReservation | undefined>;
  /**
   * Moves the spend of the period starting at `periodStart` by cost − reserved (above the budget if
   * the request cost more, never clamped); nothing when that period is over (its spend was reset).
   * Whether it applied.
   */
  settleBudget(id: string, periodStart: number, reservedUsd: number, costUsd: number): Promise<boolean>;
}

// ── Request log ────────────────────────────────────────────────────────────────────────────────

/** One upstream attempt; the same fields as relay's AttemptRecord. */
export interface LoggedAttempt {
  channel: string;
  upstreamModel: string;
  upstreamStream: boolean;
  status: number | undefined;
  errorCode: string | undefined;
  durationMs: number;
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

// ── Changes other instances must see (PostgreSQL only) ─────────────────────────────────────────

export type ChangeTopic = 'channel' | 'key' | 'capability';

/** One committed change, as a notification tells it: what changed, never a secret. */
export interface StoreChange {
  /** `sluice_config_version` after the change. */
  version: number;
  /** The store (instance) that made it: `ChangeFeed.origin` there. */
  origin: string;
  topic: ChangeTopic;
  /** The channel's name, the key's id, or the capability's channel; undefined: the whole topic. */
  name: string | undefined;
  /** The capability's upstream model; undefined: every model of `name`. */
  model: string | undefined;
  /** The sender's clock (epoch ms) just before its commit: the lag to the apply, when clocks agree. */
  sentAt?: number | undefined;
}

export interface ChangeListener {
  onChange(change: StoreChange): void;
  /** LISTEN is in place (at start and after each reconnect): what was sent meanwhile was missed. */
  onListening(): void;
  /** The listening connection failed or could not connect; it is tried again after `retryInMs`. */
  onError(error: Error, retryInMs: number): void;
}

export interface ChangeSubscription {
  /** Whether LISTEN is in place now. */
  isListening(): boolean;
  /** Ends the dedicated connection; no reconnect after. */
  close(): Promise<void>;
}

export interface ListenPolicy {
  /** First wait before reconnecting a lost listening connection; doubled on each failure. */
  reconnectMinMs: number;
  /** Longest wait between reconnects. */
  reconnectMaxMs: number;
  /** A connection attempt that takes longer fails. */
  connectTimeoutMs: number;
}

/** Committed changes of channels, keys and learned capabilities, from every instance. */
export interface ChangeFeed {
  /** This store's id in the notifications it sends. */
  readonly origin: string;
  /** `sluice_config_version` as committed now. */
  readVersion(): Promise<number>;
  /** Opens one dedicated connection (outside the pool) that LISTENs, and reconnects by itself. */
  listen(listener: ChangeListener, policy: ListenPolicy): ChangeSubscription;
}

// ── All of it ──────────────────────────────────────────────────────────────────────────────────

export type StoreKind = 'sqlite' | 'postgres';

/** A running instance as the registry knows it; times are the database's clock, epoch ms. */
export interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  lastSeen: number;
}

/** The instance registry's rows (PostgreSQL): who shares the database right now. */
export interface InstanceStore {
  /** Writes this instance's row with `last_seen` = the database's now. */
  heartbeat(instance: Pick<InstanceRow, 'id' | 'host' | 'pid' | 'startedAt'>): Promise<void>;
  /** The rows seen within the last `liveForMs` of the database's clock, oldest start first. */
  listLive(liveForMs: number): Promise<InstanceRow[]>;
  remove(id: string): Promise<void>;
  /** Deletes the rows not rewritten within the last `olderThanMs` of the database's clock (crashed instances'); returns how many. */
  prune(olderThanMs: number): Promise<number>;
}

// ── The quota ledger (settled charges, once per request id) ───────────────────────────────────

export interface QuotaCharge {
  /** The request's id: a charge recorded twice under one id counts once. */
  requestId: string;
  keyId: string;
  /** Tokens the request used (≥ 0). */
  tokens: number;
  /**
   * When the request settled (this instance's clock): a charge settled before an admin last set the
   * balance is recorded but not taken off it — the new balance was set with it already spent.
   */
  settledAt: number;
}

export interface QuotaSeed {
  /** The key's `remaining_tokens` as committed. */
  remainingTokens: number;
  /** `sluice_config_version` in the same read: a key change announced at this version or before is in it. */
  version: number;
}

export interface QuotaLedger {
  /**
   * Records the charges in one transaction, in key order: each request id not recorded before is
   * written and taken off its key's `remaining_tokens` (below zero if need be, never clamped); one
   * recorded before is skipped. Resolves to the number of charges that were new.
   */
  record(charges: readonly QuotaCharge[]): Promise<number>;
  /** The balance to seed a shared copy from; undefined when the key has no quota or is gone. */
  readSeed(keyId: string): Promise<QuotaSeed | undefined>;
}

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
