// One measured run against one target: the load generator (wrk or the Node load client) pinned to
// the generator core, the server's CPU seconds read from /proc before and after, both cores' busy
// share, and for slow streams the server's resident memory sampled while the streams are held.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadOptions, LoadResult } from '../load-client.ts';
import { coreBusy, coreTimes, cpuSeconds, isAlive, openFileCount, rssBytes } from './proc.ts';
import { readThreadTimes, splitThreadTime, type ThreadGroup, type ThreadTime } from './thread-cpu.ts';
import { quote } from './processes.ts';
import { requestBody, type Scenario } from './scenarios.ts';
import type { Percentiles } from './stats.ts';
import { generatorCore, serverCore, type BenchPaths, type Target } from './targets.ts';

export interface WrkSummary {
  requests: number;
  duration_us: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export interface Measurement {
  requests: number;
  ok: number;
  errors: number;
  errorDetail?: string;
  rate: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  ttfbP50Ms?: number;
  ttfbP99Ms?: number;
  chunkDelayMs?: Percentiles;
  heldBack?: number;
  lostChunks?: number;
  cpuUsPerRequest?: number;
  /** cpuUsPerRequest split by the server's threads (bench/lib/thread-cpu.ts); absent in runs saved before round fourteen. */
  cpuUsByThread?: Record<ThreadGroup, number>;
  serverCoreBusy: number;
  generatorCoreBusy: number;
  serverCpuShare?: number;
  /** Busy share of the server core not spent by the server: other processes on the machine (noise). */
  otherLoad: number;
  rssBeforeBytes?: number;
  rssPeakBytes?: number;
  /** Slow streams: the most file descriptors the server process had open at once (sampled). */
  fdsPeak?: number;
  /** Open loop: how far behind its schedule the latest stream started (the load client kept up when small). */
  scheduleLagMs?: number;
  peakOpen?: number;
  allFirstByteMs?: number;
  elapsedMs: number;
}

interface Window {
  cpuBefore: number | undefined;
  threadsBefore: Map<number, ThreadTime>;
  coresBefore: ReturnType<typeof coreTimes>;
  started: number;
}

function openWindow(target: Target): Window {
  const pid = target.server?.pid;
  return {
    cpuBefore: pid === undefined ? undefined : cpuSeconds(pid),
    threadsBefore: pid === undefined ? new Map() : readThreadTimes(pid),
    coresBefore: coreTimes(),
    started: performance.now(),
  };
}

function closeWindow(
  target: Target,
  window: Window,
  served: number,
): Pick<Measurement, 'cpuUsPerRequest' | 'cpuUsByThread' | 'serverCoreBusy' | 'generatorCoreBusy' | 'serverCpuShare' | 'otherLoad' | 'elapsedMs'> {
  const elapsedMs = performance.now() - window.started;
  const busy = coreBusy(window.coresBefore, coreTimes());
  const pid = target.server?.pid;
  const serverCoreBusy = busy[serverCore] ?? 0;
  const base = { serverCoreBusy, generatorCoreBusy: busy[generatorCore] ?? 0, elapsedMs };
  if (pid === undefined || window.cpuBefore === undefined || !isAlive(pid)) return { ...base, otherLoad: serverCoreBusy };
  const threadsAfter = readThreadTimes(pid);
  const cpu = cpuSeconds(pid) - window.cpuBefore;
  const serverCpuShare = cpu / (elapsedMs / 1000);
  const perRequest = (seconds: number): number => (seconds / served) * 1e6;
  const byThread = splitThreadTime(pid, window.threadsBefore, threadsAfter, cpu);
  const cpuUsByThread = Object.fromEntries(Object.entries(byThread).map(([group, seconds]) => [group, perRequest(seconds)])) as Record<ThreadGroup, number>;
  return { ...base, serverCpuShare, otherLoad: Math.max(0, serverCoreBusy - serverCpuShare), ...(served > 0 ? { cpuUsPerRequest: perRequest(cpu), cpuUsByThread } : {}) };
}

/**
 * Waits until both cores are nearly idle (nothing of the benchmark runs between measurements), so a
 * test suite or build run by someone else on the machine does not land inside a measurement.
 */
export async function waitForQuiet(maxWaitMs: number, threshold = 0.1): Promise<{ waitedMs: number; busy: number }> {
  const started = performance.now();
  for (;;) {
    const before = coreTimes();
    await sleep(300);
    const busy = Math.max(...coreBusy(before, coreTimes()));
    const waitedMs = performance.now() - started;
    if (busy <= threshold || waitedMs >= maxWaitMs) return { waitedMs, busy };
    await sleep(700);
  }
}

export function wrkCommand(target: Target, connections: number, durationMs: number, luaScript: string): string[] {
  return ['taskset', '-c', String(generatorCore), 'wrk', '-t1', `-c${connections}`, `-d${Math.max(1, Math.round(durationMs / 1000))}s`, '--timeout', '10s', '-s', luaScript, `${target.url}${target.path}`];
}

function run(command: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    execFile(file!, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${command.map(quote).join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export async function measureWrk(target: Target, options: { connections: number; durationMs: number; body: string; runDir: string; luaScript: string }): Promise<Measurement> {
  const bodyFile = join(options.runDir, `body-${target.name}.json`);
  writeFileSync(bodyFile, options.body);
  const env = { ...process.env, BENCH_BODY_FILE: bodyFile, BENCH_HEADERS: Object.entries(target.headers).map(([name, value]) => `${name}: ${value}`).join('\n') };
  const window = openWindow(target);
  const output = await run(wrkCommand(target, options.connections, options.durationMs, options.luaScript), env, options.durationMs + 30_000);
  const line = output.split('\n').find((text) => text.startsWith('BENCH_JSON '));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${output}`);
  const summary = JSON.parse(line.slice('BENCH_JSON '.length)) as WrkSummary;
  const errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout;
  const served = summary.requests;
  return {
    requests: summary.requests,
    ok: summary.requests - summary.errors.status,
    errors,
    ...(errors > 0 ? { errorDetail: JSON.stringify(summary.errors) } : {}),
    rate: (summary.requests - summary.errors.status) / (summary.duration_us / 1e6),
    latencyP50Ms: summary.latency_us.p50 / 1000,
    latencyP99Ms: summary.latency_us.p99 / 1000,
    ...closeWindow(target, window, served),
  };
}

export function clientCommand(node: string, repoRoot: string): string[] {
  return ['taskset', '-c', String(generatorCore), node, join(repoRoot, 'bench', 'load-client.ts')];
}

export async function measureClient(
  target: Target,
  options: Omit<LoadOptions, 'host' | 'port' | 'path' | 'headers'> & { node: string; repoRoot: string; sampleRss?: boolean },
): Promise<Measurement> {
  const { node, repoRoot, sampleRss, ...load } = options;
  const loadOptions: LoadOptions = { ...load, host: '127.0.0.1', port: target.port, path: target.path, headers: target.headers };
  const pid = target.server?.pid;
  const rssBefore = pid === undefined ? undefined : rssBytes(pid);
  let rssPeak = rssBefore;
  let fdsPeak: number | undefined;
  let samples = 0;
  const sampler =
    sampleRss === true && pid !== undefined
      ? setInterval(() => {
          if (!isAlive(pid)) return;
          rssPeak = Math.max(rssPeak ?? 0, rssBytes(pid));
          // Listing /proc/<pid>/fd with 20,000 entries costs a few ms: every 500 ms is enough.
          if (samples++ % 5 === 0) fdsPeak = Math.max(fdsPeak ?? 0, openFileCount(pid));
        }, 100)
      : undefined;
  const window = openWindow(target);
  const [file, ...args] = clientCommand(node, repoRoot);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(file!, [...args, JSON.stringify(loadOptions)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (part: Buffer) => (stdout += part.toString()));
    child.stderr.on('data', (part: Buffer) => (stderr += part.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), load.hardTimeoutMs + 30_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`load client exited with ${code}: ${stderr}`));
    });
  });
  if (sampler !== undefined) clearInterval(sampler);
  const result = JSON.parse(output) as LoadResult;
  const failed = Object.values(result.failures).reduce((sum, count) => sum + count, 0);
  return {
    requests: result.requests,
    ok: result.ok,
    errors: failed,
    ...(failed > 0 ? { errorDetail: `${JSON.stringify(result.failures)} ${result.sampleFailure ?? ''}`.trim() } : {}),
    rate: result.rate,
    latencyP50Ms: result.latencyMs.p50,
    latencyP99Ms: result.latencyMs.p99,
    ttfbP50Ms: result.ttfbMs.p50,
    ttfbP99Ms: result.ttfbMs.p99,
    ...(result.chunkDelayMs === undefined ? {} : { chunkDelayMs: result.chunkDelayMs, heldBack: result.heldBack }),
    lostChunks: result.lostChunks,
    peakOpen: result.peakOpen,
    ...(result.allFirstByteMs === undefined ? {} : { allFirstByteMs: result.allFirstByteMs }),
    ...(rssBefore === undefined ? {} : { rssBeforeBytes: rssBefore }),
    ...(rssPeak === undefined ? {} : { rssPeakBytes: rssPeak }),
    ...(fdsPeak === undefined ? {} : { fdsPeak }),
    ...(result.maxLagMs === undefined ? {} : { scheduleLagMs: result.maxLagMs }),
    ...closeWindow(target, window, result.requests),
  };
}

/** One run of a scenario against a target: wrk for non-stream load, the Node load client for streams. */
export async function measureScenario(target: Target, scenario: Scenario, paths: BenchPaths, durationMs: number): Promise<Measurement> {
  const body = requestBody(scenario);
  if (scenario.tool === 'wrk') {
    return measureWrk(target, { connections: scenario.connections, durationMs, body, runDir: paths.runDir, luaScript: join(paths.repoRoot, 'bench', 'wrk', 'post.lua') });
  }
  return measureClient(target, {
    node: paths.node,
    repoRoot: paths.repoRoot,
    body,
    stream: scenario.clientStream,
    connections: scenario.connections,
    durationMs,
    expectChunks: scenario.chunks,
    ...(scenario.clientWantsUsage === true ? { expectUsage: true } : {}),
    ...(scenario.paced === true ? { pacedDelayMs: scenario.delayMs } : {}),
    ...(scenario.arrivalsPerSecond === undefined ? {} : { arrivalsPerSecond: scenario.arrivalsPerSecond }),
    hardTimeoutMs: durationMs + 30_000,
  });
}
