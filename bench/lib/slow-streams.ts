// Many concurrent slow streams held through each proxy (issue 13: 10,000 held, ≤ 40 KB each): the target
// is restarted fresh, warmed up, then every stream sends a first chunk and is held by the mock until all
// are open; the server's RSS and open file descriptors are sampled meanwhile.
import { setTimeout as sleep } from 'node:timers/promises';
import { measureClient } from './measure.ts';
import { timeWaitSockets } from './proc.ts';
import type { BenchOptions } from './options.ts';
import type { SlowStreamsResult } from './results.ts';
import { requestBody, slowStreamsScenario } from './scenarios.ts';
import { benchModels, mockStats, setMock, startTarget, stopTarget, type BenchPaths, type Target, type TargetName } from './targets.ts';

export const wantedSlowStreams = 10_000;
/**
 * File descriptors kept free above the server's own at rest (warm-up keep-alive sockets, log and store files, a
 * worker's database). Measured with Sluice at ca5e0f9: it held 9,960 streams at a peak of 19,947 descriptors (27 at rest +
 * 2 per stream), but one run on a busy machine lost 13 of 9,960 streams to resets, so the margin is 100.
 */
export const fdHeadroom = 100;

export interface SlowStreamsPlan {
  streams: number;
  note?: string;
}

/**
 * How many streams one proxy process can hold: it needs two sockets per stream (the client's and the
 * upstream's) besides the descriptors it holds at rest, all under its open-files limit.
 */
export function planSlowStreams(wanted: number, limit: { soft: number; hard: number; canRaise: boolean }, restingFds: number): SlowStreamsPlan {
  const cap = Math.floor((limit.soft - restingFds - fdHeadroom) / 2 / 10) * 10;
  if (wanted <= cap) return { streams: wanted };
  const needed = wanted * 2 + restingFds + fdHeadroom;
  const why = limit.canRaise ? `it could not be raised to ${needed.toLocaleString('en-US')}` : 'the hard limit cannot be raised here (the bench lacks CAP_SYS_RESOURCE)';
  return {
    streams: cap,
    note:
      `${wanted.toLocaleString('en-US')} were asked for; a proxy holds two sockets per stream (client and upstream) besides the ${restingFds} descriptors it has open at rest, ` +
      `so ${wanted.toLocaleString('en-US')} streams need about ${needed.toLocaleString('en-US')} open files in the one server process; this machine's open-files limit is ` +
      `${limit.soft.toLocaleString('en-US')} (hard ${limit.hard.toLocaleString('en-US')}) and ${why}, so ${cap.toLocaleString('en-US')} streams were held (the mock and the load client run in other processes and need one socket per stream each).`,
  };
}

/** TIME_WAIT sockets tolerated before a target's run; more waits, up to `timeWaitBoundMs`. */
const timeWaitCeiling = 2_000;
/** Linux keeps a closed connection in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN); a little more than that. */
const timeWaitBoundMs = 70_000;

/**
 * Waits until the previous target's ~20,000 closed loopback connections have left TIME_WAIT, so each
 * target starts from the same socket state: in one full run (2026-12-02) the targets that followed
 * the bare proxy saw connect failures and 136 s set-ups that neither showed when run alone.
 */
async function waitForTimeWait(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  let waiting = timeWaitSockets();
  if (waiting <= timeWaitCeiling) return;
  log(`slow-streams: ${waiting} sockets in TIME_WAIT; waiting for them to close (at most ${timeWaitBoundMs / 1000} s)`);
  while (waiting > timeWaitCeiling && Date.now() - started < timeWaitBoundMs) {
    await sleep(1_000);
    waiting = timeWaitSockets();
  }
  log(`slow-streams: ${waiting} sockets in TIME_WAIT after ${Math.round((Date.now() - started) / 1000)} s`);
}

export async function runSlowStreams(
  streams: number,
  options: BenchOptions,
  paths: BenchPaths,
  active: Map<TargetName, Target>,
  log: (line: string) => void,
): Promise<SlowStreamsResult> {
  const scenario = slowStreamsScenario(streams, options.quick);
  const result: SlowStreamsResult = { scenario, rows: [] };
  const body = requestBody({ model: benchModels.plain, clientStream: true });
  for (const name of scenario.targets) {
    const old = active.get(name);
    if (old === undefined) continue;
    await waitForTimeWait(log);
    log(`slow-streams: restarting ${name} fresh`);
    await stopTarget(old);
    active.delete(name);
    let target: Target | undefined;
    try {
      target = await startTarget(name, paths);
      active.set(name, target);
      await setMock(target, { chunks: 5, delayMs: 0, holdUntil: 0 });
      await measureClient(target, { node: paths.node, repoRoot: paths.repoRoot, body, stream: true, connections: 16, durationMs: 1_000, expectChunks: 5, hardTimeoutMs: 20_000 });
      await sleep(1_000);
      await setMock(target, { chunks: scenario.chunks, delayMs: scenario.delayMs, holdUntil: streams, holdTimeoutMs: 40_000, holdAfterFullMs: 2_000 });
      log(`slow-streams: ${streams} streams through ${name} …`);
      const measurement = await measureClient(target, {
        node: paths.node,
        repoRoot: paths.repoRoot,
        body,
        stream: true,
        connections: streams,
        requests: streams,
        perConnection: 1,
        maxConnecting: scenario.maxConnecting,
        expectChunks: scenario.chunks,
        hardTimeoutMs: 150_000,
        sampleRss: true,
      });
      const stats = await mockStats(target);
      result.rows.push({ target: name, measurement, mockMaxHeld: stats.maxHeld });
      const rss = measurement.rssPeakBytes === undefined ? '' : `, peak RSS ${Math.round(measurement.rssPeakBytes / 1024 ** 2)} MiB`;
      const fds = measurement.fdsPeak === undefined ? '' : `, peak ${measurement.fdsPeak} open files`;
      log(`slow-streams ${name}: ${measurement.ok}/${streams} complete, ${measurement.lostChunks ?? 0} chunks lost, ${stats.maxHeld} held at once${rss}${fds}`);
    } catch (error) {
      result.rows.push({ target: name, measurement: undefined, mockMaxHeld: 0, error: String(error).slice(0, 300) });
      log(`slow-streams ${name}: failed (${String(error).slice(0, 200)})`);
    } finally {
      if (target !== undefined) await stopTarget(target);
      active.delete(name);
    }
  }
  return result;
}
