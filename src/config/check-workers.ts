// `workers: N | auto` (or `--workers N|auto`): N Sluice processes on one port (docs/deploy.md
// "Workers"). Each worker is a process of its own with its own counters, so more than one is refused
// without `redis` — N workers would otherwise admit N times every rpm/tpm limit and max_concurrency.
// `auto` (as many workers as cores) needs redis too, whatever this machine's count: a config valid on
// a one-core laptop must not become invalid on an eight-core server.
import * as z from 'zod';

/** A worker count as written: a positive integer, or `auto` (os.availableParallelism()). */
export type WorkerSetting = number | 'auto';

const workerPattern = /^\s*(?:[1-9]\d*|auto)\s*$/;

/** `3`, `"3"` (from `${ENV}`) or `auto`; undefined for anything else. */
export function readWorkerSetting(value: unknown): WorkerSetting | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string' || !workerPattern.test(value)) return undefined;
  const trimmed = value.trim();
  return trimmed === 'auto' ? 'auto' : Number(trimmed);
}

export const workerSettingProblem = 'expected a positive integer or auto';

// A union rather than z.custom, so the configuration reference (docs/configuration.md) can name its type.
// Built with the rest of the config schemas (schema.ts).
export function buildWorkerCount() {
  return z
    .union([z.number().int({ error: workerSettingProblem }).positive({ error: workerSettingProblem }), z.string().regex(workerPattern, { error: workerSettingProblem })], { error: workerSettingProblem })
    .transform((value) => readWorkerSetting(value) ?? 1);
}

/** Why these workers cannot run with this config; undefined when they can. */
export function describeWorkersProblem(workers: WorkerSetting, hasRedis: boolean): string | undefined {
  if (workers === 1 || hasRedis) return undefined;
  const times = workers === 'auto' ? 'once per core' : `${String(workers)} times`;
  return `needs redis (redis: redis://host:6379/0 or SLUICE_REDIS_URL, with a PostgreSQL store): each worker is a process with its own counters, so without shared state every rpm/tpm limit and max_concurrency would be admitted ${times}; set workers: 1 or configure redis (docs/deploy.md "Workers")`;
}
