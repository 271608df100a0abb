// The store's ports for instances sharing one PostgreSQL: the change feed (LISTEN/NOTIFY) and the
// instance registry (ports.ts re-exports everything). Times are epoch milliseconds.

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

// ── The instance registry ──────────────────────────────────────────────────────────────────────

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
