// Several instances on one PostgreSQL: what one commits (a channel, a key, a learned capability),
// the others apply. A NOTIFY sent in the change's own transaction arrives in milliseconds; a poll of
// `sluice_config_version` is the backstop for whatever a notification did not bring (a listening
// connection silently gone); a reconnect of the listening connection reloads everything, since
// PostgreSQL keeps no notification for a session that was away (docs/scale-out.md §C, §E2, §F).
// Every apply runs one at a time, in order, so an older reload never lands after a newer one.
import type { Logger } from 'pino';
import { defaultConfigPollMs } from '../config/defaults.ts';
import { fromStoredCapabilities, type LearnedCapabilities } from '../relay/learned-capabilities.ts';
import type { CapabilityStore, ChangeFeed, ChangeSubscription, ListenPolicy, StoreChange } from '../store/index.ts';
import type { KeyAccess } from './authenticate.ts';
import type { KeyQuota } from './key-quota.ts';
import type { LiveChannels } from './live-channels.ts';

export interface PropagationPolicy extends ListenPolicy {
  /** How often `sluice_config_version` is read; a version past the last applied one reloads everything. */
  pollMs: number;
  /** false: no LISTEN connection, the poll alone (tests of the backstop). */
  listen: boolean;
}

export const defaultPropagationPolicy: Readonly<PropagationPolicy> = Object.freeze({
  pollMs: defaultConfigPollMs,
  listen: true,
  reconnectMinMs: 100,
  reconnectMaxMs: 5_000,
  connectTimeoutMs: 5_000,
});

/** How a change reached this instance: its notification, the version poll, or the full reload at a (re)connect. */
export type ChangeSource = 'notify' | 'poll' | 'reconnect';

/** Told of each change applied (metrics/propagation-metrics.ts), with the lag from the sender's commit when the notification carried it. */
export interface PropagationObserver {
  applied(source: ChangeSource, lagMs: number | undefined): void;
}

/** What a change on another instance makes this one do. */
export interface ChangeTargets {
  reloadChannels(): Promise<void>;
  /** Forget cached key records, so a revoked key is refused at its next use. */
  refreshKeys(): Promise<void>;
  /** One key changed at `version` (a copy of its quota balance in Redis is read again from the store). */
  keyChanged?(keyId: string, version: number): Promise<void>;
  /** Reload one channel and model's learned capabilities, or all of them when `channel` is undefined. */
  reloadCapabilities(channel?: string, model?: string): Promise<void>;
}

export interface StoreChangeFollower {
  /** Whether the LISTEN connection is up now. */
  isListening(): boolean;
  /** Full reloads done since start (at each (re)connect of the listener, or when the poll saw a missed change). */
  fullReloads(): number;
  close(): Promise<void>;
}

function applyChange(change: StoreChange, targets: ChangeTargets): Promise<void> {
  if (change.topic === 'channel') return targets.reloadChannels();
  if (change.topic === 'key') {
    const keyId = change.name;
    return keyId === undefined || targets.keyChanged === undefined
      ? targets.refreshKeys()
      : targets.refreshKeys().then(() => targets.keyChanged?.(keyId, change.version));
  }
  return change.name === undefined ? targets.reloadCapabilities() : targets.reloadCapabilities(change.name, change.model);
}

export function followStoreChanges(
  feed: ChangeFeed,
  targets: ChangeTargets,
  logger: Logger,
  policy: PropagationPolicy = defaultPropagationPolicy,
  observer: PropagationObserver = { applied: () => undefined },
): StoreChangeFollower {
  let appliedVersion = 0;
  /** A reload failed: the next poll reloads everything, whatever the version says. */
  let stale = false;
  let reloads = 0;
  let queue: Promise<void> = Promise.resolve();
  let pollQueued = false;
  let closed = false;

  const enqueue = (task: () => Promise<void>): void => {
    queue = queue.then(task).catch((error: unknown) => {
      stale = true;
      logger.error({ err: error }, 'could not apply a change made on another instance; the next poll reloads everything');
    });
  };

  const reloadEverything = async (): Promise<void> => {
    // The version first: a change committed during the reload is caught by its notification or the next poll.
    const version = await feed.readVersion();
    await targets.reloadChannels();
    await targets.refreshKeys();
    await targets.reloadCapabilities();
    appliedVersion = Math.max(appliedVersion, version);
    stale = false;
    reloads += 1;
  };

  const poll = (): void => {
    if (pollQueued || closed) return;
    pollQueued = true;
    enqueue(async () => {
      pollQueued = false;
      const version = await feed.readVersion();
      if (version > appliedVersion || stale) {
        logger.info({ version, applied: appliedVersion }, 'the config version moved without a notification: reloading channels, keys and capabilities');
        await reloadEverything();
        observer.applied('poll', undefined);
      }
    });
  };

  let subscription: ChangeSubscription | undefined;
  let lostAt: number | undefined;
  if (policy.listen) {
    subscription = feed.listen(
      {
        onChange: (change) => {
          enqueue(async () => {
            if (change.origin !== feed.origin) {
              await applyChange(change, targets);
              observer.applied('notify', change.sentAt === undefined ? undefined : Math.max(0, Date.now() - change.sentAt));
            }
            appliedVersion = Math.max(appliedVersion, change.version);
          });
        },
        onListening: () => {
          if (lostAt !== undefined) logger.info({ down_ms: Date.now() - lostAt }, 'listening for changes from other instances again: reloading channels, keys and capabilities');
          lostAt = undefined;
          enqueue(async () => {
            await reloadEverything();
            observer.applied('reconnect', undefined);
          });
        },
        onError: (error, retryInMs) => {
          lostAt ??= Date.now();
          logger.warn({ err: error, retry_in_ms: retryInMs }, `the PostgreSQL connection that listens for other instances' changes failed (${error.message}); retrying in ${String(retryInMs)} ms, polling meanwhile`);
        },
      },
      policy,
    );
  }
  const timer = setInterval(poll, policy.pollMs);
  timer.unref();

  return {
    isListening: () => subscription?.isListening() ?? false,
    fullReloads: () => reloads,
    async close() {
      closed = true;
      clearInterval(timer);
      await subscription?.close();
      await queue;
    },
  };
}

/** A stored capability has no expiry when `recheck_at` is null (as at start, open-services.ts). */
const neverRecheck = Number.MAX_SAFE_INTEGER;

export interface ChangeTargetParts {
  channels: Pick<LiveChannels, 'reload'>;
  keyAccess: Pick<KeyAccess, 'refresh'>;
  learned: Pick<LearnedCapabilities, 'list' | 'forget' | 'load' | 'replace'>;
  capabilities: Pick<CapabilityStore, 'list'>;
  /** Token quotas (a copy of a changed key's balance in Redis is dropped); absent: nothing to drop. */
  quota?: Pick<KeyQuota, 'keyChanged'> | undefined;
}

export function createChangeTargets(parts: ChangeTargetParts): ChangeTargets {
  return {
    reloadChannels: () => parts.channels.reload(),
    refreshKeys: () => parts.keyAccess.refresh(),
    keyChanged: (keyId, version) => parts.quota?.keyChanged(keyId, version) ?? Promise.resolve(),
    async reloadCapabilities(channel, model) {
      const rows = await parts.capabilities.list(channel);
      if (channel === undefined) {
        parts.learned.replace(fromStoredCapabilities(rows, neverRecheck));
        return;
      }
      const matches = (entryModel: string): boolean => model === undefined || entryModel === model;
      for (const entry of parts.learned.list()) if (entry.channel === channel && matches(entry.model)) parts.learned.forget(channel, entry.model);
      parts.learned.load(fromStoredCapabilities(rows.filter((row) => matches(row.model)), neverRecheck));
    },
  };
}
