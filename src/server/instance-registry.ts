// The instance registry (issue 15; docs/deploy.md "Instance registry"): each instance sharing a
// PostgreSQL store keeps its row in `sluice_instances` fresh on an unref'd heartbeat and, with the
// same beat, caches how many rows are live. While Redis is down each instance admits
// `limit / live instances` (docs/scale-out.md §E3) — the count of instances that are there now, not
// a configured guess. It lives in PostgreSQL because it is needed exactly when Redis is not there.
// Each beat also deletes the rows no instance rewrote for `pruneAfterMs` (an instance that crashed
// never removes its own), so the table stays as small as the set of instances.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { defaultInstancePruneAfterMs, defaultInstanceRegistryPolicy } from '../config/defaults.ts';
import type { InstanceRow, InstanceStore } from '../store/index.ts';

export interface InstanceRegistryPolicy {
  heartbeatMs: number;
  liveForMs: number;
  /** Rows not rewritten for this long are deleted; defaultInstancePruneAfterMs when absent. */
  pruneAfterMs?: number | undefined;
}

export interface InstanceRegistry {
  /** This instance's row id. */
  readonly id: string;
  /** Live instances (this one included) at the last beat; undefined when the registry could not be read within `liveForMs`. */
  readonly liveCount: () => number | undefined;
  /** The live rows now, read from the store. */
  listLive(): Promise<InstanceRow[]>;
  /** Stops the heartbeat and removes this instance's row, so the others count one fewer at their next beat. */
  close(): Promise<void>;
}

export async function startInstanceRegistry(store: InstanceStore, logger: Logger, policy: InstanceRegistryPolicy = defaultInstanceRegistryPolicy, now: () => number = Date.now): Promise<InstanceRegistry> {
  const self = { id: randomUUID(), host: hostname(), pid: process.pid, startedAt: now() };
  let counted: { live: number; at: number } | undefined;
  let failing = false;
  let beating: Promise<void> | undefined;
  let closed = false;

  const beat = async (): Promise<void> => {
    try {
      await store.heartbeat(self);
      const live = (await store.listLive(policy.liveForMs)).length;
      counted = { live: Math.max(1, live), at: now() };
      const pruned = await store.prune(Math.max(policy.liveForMs, policy.pruneAfterMs ?? defaultInstancePruneAfterMs));
      if (pruned > 0) logger.info({ pruned }, `deleted ${String(pruned)} rows of instances gone (not seen for ${String(policy.pruneAfterMs ?? defaultInstancePruneAfterMs)} ms) from the instance registry`);
      if (failing) logger.info({ live }, 'the instance registry answers again');
      failing = false;
    } catch (error) {
      if (!failing) logger.warn({ err: error }, 'could not refresh the instance registry; while Redis is down the share falls back to redis_fallback_instances once the last count is older than its live window');
      failing = true;
    }
  };
  const tick = (): void => {
    if (beating !== undefined || closed) return;
    beating = beat().finally(() => { beating = undefined; });
  };

  await beat();
  const timer = setInterval(tick, policy.heartbeatMs);
  timer.unref();
  logger.info({ instance: self.id, live: counted?.live, heartbeat_ms: policy.heartbeatMs, live_for_ms: policy.liveForMs }, 'registered in the instance registry');

  return {
    id: self.id,
    liveCount: () => (counted !== undefined && now() - counted.at <= policy.liveForMs ? counted.live : undefined),
    listLive: () => store.listLive(policy.liveForMs),
    async close() {
      closed = true;
      clearInterval(timer);
      await beating;
      await store.remove(self.id).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not remove this instance from the instance registry; the others stop counting it once its row is older than the live window');
      });
    },
  };
}
