// A server's footprint at rest: started, one warm-up request answered, then no traffic for a while;
// resident memory (VmRSS) and open file descriptors read from /proc. This is what a user sees after
// `npm start` and a first call, before any load.
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './stats.ts';
import { openFileCount, rssBytes } from './proc.ts';
import { requestBody } from './scenarios.ts';
import { benchModels, type Target, type TargetName } from './targets.ts';

export interface IdleRow {
  target: TargetName;
  /** Median of the samples taken after the quiet period. */
  rssBytes: number;
  rssSamples: number[];
  fds: number;
  settleMs: number;
  /** The same read soon after the request (runs before round six have none). */
  early?: { settleMs: number; rssBytes: number };
}

/**
 * How long the server is left alone after its warm-up request before RSS is read: `early` soon after
 * it, `settle` once the runtime's own reclamation at rest has run. The request starts the request-log
 * thread, which stops ~2 s later; V8 keeps an exited thread's heap pages in a process-wide pool and
 * frees them ~8 s after the exit, and its memory reducer (off in Sluice since round thirteen: bin/node-flags.js)
 * shrinks the main heap ~8 s after start-up (docs/benchmarks.md "Idle RSS, round six"): a read at 3 s catches
 * both on their way out. The verdict is the settled read; the early one is reported beside it.
 */
export const idleSettleMs = { early: 3_000, settle: 15_000 } as const;
const samples = 5;
const sampleEveryMs = 200;

async function readRss(pid: number): Promise<number[]> {
  const rssSamples: number[] = [];
  for (let index = 0; index < samples; index++) {
    if (index > 0) await sleep(sampleEveryMs);
    rssSamples.push(rssBytes(pid));
  }
  return rssSamples;
}

export async function measureIdle(target: Target, settle: { early: number; settle: number } = idleSettleMs): Promise<IdleRow | undefined> {
  const pid = target.server?.pid;
  if (pid === undefined) return undefined;
  const response = await fetch(`${target.url}${target.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: requestBody({ model: benchModels.plain, clientStream: false }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`warm-up request to ${target.name}: HTTP ${response.status}`);
  const answeredAt = performance.now();
  await sleep(settle.early);
  const early = { settleMs: settle.early, rssBytes: median(await readRss(pid)) };
  await sleep(Math.max(0, settle.settle - (performance.now() - answeredAt)));
  const rssSamples = await readRss(pid);
  return { target: target.name, rssBytes: median(rssSamples), rssSamples, fds: openFileCount(pid), settleMs: settle.settle, early };
}
