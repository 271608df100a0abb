// `workers: N` (or `--workers N|auto`; docs/deploy.md "Workers"): N Sluice processes on one port,
// forked with node:cluster. The primary opens nothing itself (no store, no Redis, no socket of its
// own: node:cluster hands each connection to a worker, round-robin on Linux). Each worker is a
// whole Sluice — its own instance in the instance registry, its own Redis and PostgreSQL clients —
// so limits hold across workers exactly as across instances (docs/scale-out.md §E); that is why
// more than one worker needs `redis` (config/check-workers.ts).
//
// The primary restarts a worker that dies (backoff doubling to a bound, logged), forwards
// SIGTERM/SIGINT to every worker and exits once all have stopped, killing those still running after
// `stopWaitMs`. The first worker starts alone, the others once it listens. A worker that dies before any worker ever listened (a port in use, a store that does
// not answer) ends the primary with exit code 1 instead of a restart loop: the worker has said why.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/index.ts';
import type { WorkerSetting } from '../config/check-workers.ts';
import { defaultWorkerPolicy } from '../config/defaults.ts';

export interface WorkerPolicy {
  restartBaseMs: number;
  restartMaxMs: number;
  stableAfterMs: number;
  stopWaitMs: number;
}

/** The processes a setting means on this machine: `auto` is one per core. */
export function countWorkers(setting: WorkerSetting, cores: number = availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}

/**
 * V8's background threads for one of `workers` processes sharing `cores`: bin/node-flags.js
 * `backgroundThreadsFor` (the cores the event loop leaves, 1 to 4) on the worker's share of the cores,
 * so that N workers do not start N times the pool the machine has room for
 * (test/process/node-flags.test.ts keeps the two rules equal for one worker).
 */
export function workerPoolSize(cores: number, workers: number): number {
  const share = Math.floor(cores / Math.max(1, workers));
  return Math.min(4, Math.max(1, share - 1));
}

/**
 * The node options each worker starts with: the primary's, with the `--v8-pool-size` that bin/sluice.js
 * added (named in `added`, the SLUICE_ADDED_NODE_FLAGS it set) sized for one worker. An operator's
 * own pool size, or one bin/sluice.js did not add, is kept.
 */
export function workerExecArgv(execArgv: readonly string[], added: string | undefined, poolSize: number): string[] {
  const addedPool = (added ?? '').split(' ').find((flag) => flag.startsWith('--v8-pool-size='));
  return execArgv.map((arg) => (addedPool !== undefined && arg === addedPool ? `--v8-pool-size=${String(poolSize)}` : arg));
}

/** Whether this process supervises workers instead of serving: the primary of more than one worker. */
export function isWorkersPrimary(config: Pick<SluiceConfig, 'workers'>): boolean {
  return cluster.isPrimary && countWorkers(config.workers) > 1;
}

/** The wait before the restart after `deaths` deaths in a row: doubling from the base, never above the bound. */
export function computeRestartDelay(deaths: number, policy: Pick<WorkerPolicy, 'restartBaseMs' | 'restartMaxMs'>): number {
  return Math.min(policy.restartMaxMs, policy.restartBaseMs * 2 ** Math.max(0, Math.min(deaths - 1, 30)));
}

const stopSignals = ['SIGTERM', 'SIGINT'] as const;

/**
 * Forks the workers and looks after them until a SIGTERM/SIGINT has stopped them all; resolves with
 * the exit code for the primary (0: every worker stopped on its own; 1: a start failed or a worker
 * had to be killed).
 */
export function runWorkers(config: Pick<SluiceConfig, 'workers'>, logger: Logger, policy: WorkerPolicy = defaultWorkerPolicy): Promise<number> {
  const count = countWorkers(config.workers);
  // The primary writes a line now and then: flushed at once, not held in the 16 KiB log buffer.
  const say = (level: 'info' | 'warn' | 'error', fields: object, message: string): void => {
    logger[level](fields, message);
    logger.flush();
  };
  const startedAt = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let everListened = false;
  let deathsInARow = 0;
  let stopping: { signal: string; killed: boolean } | undefined;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => { finish = resolve; }).then((code) => new Promise<number>((resolve) => {
    logger.flush(() => { resolve(code); });
  }));

  cluster.setupPrimary({ execArgv: workerExecArgv(cluster.settings.execArgv ?? process.execArgv, process.env.SLUICE_ADDED_NODE_FLAGS, workerPoolSize(availableParallelism(), count)) });
  const fork = (): void => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };
  const stopAll = (signal: NodeJS.Signals): void => {
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    for (const worker of startedAt.keys()) worker.process.kill(signal);
    if (startedAt.size === 0) finish(stopping?.killed === true ? 1 : 0);
    const deadline = setTimeout(() => {
      if (startedAt.size === 0) return;
      if (stopping !== undefined) stopping.killed = true;
      say('error', { workers: [...startedAt.keys()].map((worker) => worker.process.pid), stop_wait_ms: policy.stopWaitMs }, `workers still running ${String(policy.stopWaitMs)} ms after ${signal}: killed`);
      for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
    }, policy.stopWaitMs);
    deadline.unref();
  };

  cluster.on('listening', (worker, address) => {
    say('info', { worker: worker.process.pid, port: address.port }, `worker ${String(worker.process.pid)} listening on port ${String(address.port)}`);
    if (everListened) return;
    everListened = true;
    for (let index = 1; index < count && stopping === undefined; index += 1) fork();
  });
  cluster.on('exit', (worker, code, signal) => {
    const bornAt = startedAt.get(worker) ?? Date.now();
    startedAt.delete(worker);
    const how = { worker: worker.process.pid, code, signal };
    if (stopping !== undefined) {
      if (code !== 0) {
        stopping.killed = true;
        say('warn', how, `worker ${String(worker.process.pid)} ended with ${signal ?? `exit code ${String(code)}`} while stopping`);
      }
      if (startedAt.size === 0) {
        say('info', { signal: stopping.signal }, 'every worker stopped');
        finish(stopping.killed ? 1 : 0);
      }
      return;
    }
    if (!everListened) {
      say('error', how, `worker ${String(worker.process.pid)} exited before Sluice listened (its own message says why): stopping`);
      stopping = { signal: 'SIGTERM', killed: true };
      stopAll('SIGTERM');
      return;
    }
    deathsInARow = Date.now() - bornAt >= policy.stableAfterMs ? 1 : deathsInARow + 1;
    const delay = computeRestartDelay(deathsInARow, policy);
    say('warn', { ...how, restart_in_ms: delay, deaths_in_a_row: deathsInARow }, `worker ${String(worker.process.pid)} died (${signal ?? `exit code ${String(code)}`}): a new one in ${String(delay)} ms`);
    const timer = setTimeout(() => {
      restarts.delete(timer);
      fork();
    }, delay);
    restarts.add(timer);
  });
  for (const signal of stopSignals) {
    process.on(signal, () => {
      if (stopping !== undefined) return;
      stopping = { signal, killed: false };
      say('info', { signal, workers: startedAt.size }, `${signal}: stopping ${String(startedAt.size)} workers`);
      stopAll(signal);
    });
  }
  // The first worker starts alone: it migrates the store and writes the file's keys into it, which
  // several processes at once on an empty store would race over. The others start once it listens.
  say('info', { workers: count }, `Sluice primary ${String(process.pid)}: starting ${String(count)} workers`);
  fork();
  return finished;
}
