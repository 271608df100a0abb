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
}

/** How long the server is left alone after its warm-up request before RSS is sampled (timers, lazy work, GC settle). */
export const idleSettleMs = { full: 3_000, quick: 1_500 } as const;
const samples = 5;
const sampleEveryMs = 200;

export async function measureIdle(target: Target, settleMs: number): Promise<IdleRow | undefined> {
  const pid = target.server?.pid;
  if (pid === undefined) return undefined;
  const response = await fetch(`${target.url}${target.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: requestBody({ model: benchModels.plain, clientStream: false }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`warm-up request to ${target.name}: HTTP ${response.status}`);
  await sleep(settleMs);
  const rssSamples: number[] = [];
  for (let index = 0; index < samples; index++) {
    if (index > 0) await sleep(sampleEveryMs);
    rssSamples.push(rssBytes(pid));
  }
  return { target: target.name, rssBytes: median(rssSamples), rssSamples, fds: openFileCount(pid), settleMs };
}
