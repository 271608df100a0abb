// The tail at concurrency 1 taken apart (the p99-at-c=1 budget): every target started as the bench starts it with
// bench/lib/tail-probe.ts loaded, warmed up with `--warmup` seconds of ns-c1, then `--points` measured windows of
// `--duration` seconds each, the targets taken in turn. Per window: the load client's own p50 and p99 (ns-c1's
// tool), and from the probe the percentiles of each request's time in the server, of the time between one response's
// finish and the next request's start, and of their sum (the server's whole cycle, which at concurrency 1 tiles its
// timeline), the share of requests over 0.8 ms in the server and how many of those overlap a GC pause, and the pauses
// themselves. Each cell is the median of the windows with their range. docs/benchmarks.md, "Round twenty-three: the tail at concurrency 1, taken apart".
// Usage: node bench/request-tail.ts [--targets bare,sluice] [--points 3] [--warmup S] [--duration S] [--sluice-dir PATH]
//        [--sluice-node-args "--flag …"] [--keep]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { measureScenario } from './lib/measure.ts';
import { checkMachine } from './lib/preflight.ts';
import { markdownTable } from './lib/report.ts';
import { scenarios } from './lib/scenarios.ts';
import { percentileOfSorted, spread } from './lib/stats.ts';
import { gcKinds, tailReportDirVariable, type TailReport } from './lib/tail-probe.ts';
import { setMock, startTarget, stopTarget, targetLabels, type BenchPaths, type Target, type TargetName } from './lib/targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targetNames = (argumentValue('--targets') ?? 'bare,sluice').split(',') as TargetName[];
const points = Number(argumentValue('--points') ?? '3');
const warmupMs = Number(argumentValue('--warmup') ?? '10') * 1000;
const durationMs = Number(argumentValue('--duration') ?? '8') * 1000;
const scenario = scenarios.find((candidate) => candidate.id === 'ns-c1')!;
/** A request this long in the server counts as slow (the budget's limit is 1 ms added). */
const slowMs = 0.8;
checkMachine((line) => {
  console.log(line);
});

/** One measured window's figures, by row name (ms unless the name says otherwise). */
type Window = Map<string, number>;

/** Sends SIGUSR2 to the server and reads the report it writes (the `n`th of that process; the probe renames it into place whole). */
async function takeReport(target: Target, runDir: string, n: number): Promise<TailReport> {
  const pid = target.server!.pid;
  if (pid === undefined) throw new Error(`${target.name} has no server process`);
  const file = join(runDir, `tail-${String(pid)}-${String(n)}.json`);
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(file); waited += 20) {
    if (waited > 5000) throw new Error(`${target.name} wrote no ${file}`);
    await sleep(20);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as TailReport;
}

/** The figures of one window from the probe's report and the load client's measurement. */
function readWindow(report: TailReport, clientP50: number, clientP99: number): Window {
  const { starts, durations, gcs } = report;
  const between: number[] = [];
  const cycle: number[] = [];
  for (let index = 1; index < starts.length; index += 1) {
    const gap = starts[index]! - (starts[index - 1]! + durations[index - 1]!);
    between.push(gap);
    cycle.push(gap + durations[index]!);
  }
  const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();
  const inServer = sorted(durations);
  const gaps = sorted(between);
  const cycles = sorted(cycle);
  let slow = 0;
  let slowInGc = 0;
  for (let index = 0; index < starts.length; index += 1) {
    const start = starts[index]!;
    const end = start + durations[index]!;
    if (durations[index]! < slowMs) continue;
    slow += 1;
    if (gcs.some(([gcStart, gcDuration]) => gcStart < end && gcStart + gcDuration > start)) slowInGc += 1;
  }
  const seconds = durationMs / 1000;
  const scavenges = gcs.filter(([, , kind]) => kind === gcKinds.scavenge);
  const majors = gcs.filter(([, , kind]) => kind === gcKinds.markCompact);
  const total = (entries: TailReport['gcs']): number => entries.reduce((sum, [, duration]) => sum + duration, 0);
  return new Map([
    ['requests', starts.length],
    ['client p50', clientP50],
    ['client p99', clientP99],
    ['in the server p50', percentileOfSorted(inServer, 50)],
    ['in the server p97', percentileOfSorted(inServer, 97)],
    ['in the server p99', percentileOfSorted(inServer, 99)],
    ['in the server p99.9', percentileOfSorted(inServer, 99.9)],
    ['between p99', percentileOfSorted(gaps, 99)],
    ['between p99.9', percentileOfSorted(gaps, 99.9)],
    ['cycle (between + in the server) p99', percentileOfSorted(cycles, 99)],
    [`% of requests over ${String(slowMs)} ms in the server`, (100 * slow) / Math.max(1, starts.length)],
    ['% of those overlapping a GC pause', (100 * slowInGc) / Math.max(1, slow)],
    ['scavenges a second', scavenges.length / seconds],
    ['scavenge pause, mean', total(scavenges) / Math.max(1, scavenges.length)],
    ['mark-compacts in the window', majors.length],
    ['mark-compact pauses in the window, total', total(majors)],
  ]);
}

const runDir = mkdtempSync(join(tmpdir(), 'sluice-request-tail-'));
/** `--keep`: the run folder stays (each window's probe reports, `tail-<pid>-<n>.json`, for a look beside a perf record). */
const keepRunDir = process.argv.includes('--keep');
// The servers inherit it (bench/lib/targets.ts passes the environment on): the probe writes its reports there.
process.env[tailReportDirVariable] = runDir;
const sluiceNodeArgs = (argumentValue('--sluice-node-args') ?? '').split(' ').filter((flag) => flag.length > 0);
const paths: BenchPaths = {
  repoRoot,
  sluiceDir: resolve(argumentValue('--sluice-dir') ?? repoRoot),
  runDir,
  node: process.execPath,
  sluiceNodeArgs,
  portkey: undefined,
};
const targets: Target[] = [];
try {
  for (const name of targetNames) {
    const target = await startTarget(name, paths, ['--import', join(repoRoot, 'bench', 'lib', 'tail-probe.ts')]);
    targets.push(target);
    await setMock(target, { chunks: scenario.chunks, delayMs: scenario.delayMs, holdUntil: 0 });
    // As the bench warms ns-c1 up: in separate runs, each on new connections as the measured windows are (the JIT
    // deoptimizes Node's socket and stream functions at a new connection and settles by about the fourth:
    // docs/benchmarks.md, "Round twenty-five").
    const runs = scenario.warmupRuns ?? 1;
    console.log(`${name}: ${String(warmupMs / 1000)} s of ns-c1 in ${String(runs)} runs before measuring`);
    for (let run = 0; run < runs; run += 1) await measureScenario(target, scenario, paths, warmupMs / runs);
  }
  const windows = new Map<TargetName, Window[]>(targetNames.map((name) => [name, []]));
  for (let point = 0; point < points; point += 1) {
    for (let index = 0; index < targets.length; index += 1) {
      const target = targets[(index + point) % targets.length]!;
      // Two reports a window: what came before it (discarded), then the window itself.
      await takeReport(target, runDir, 2 * point + 1);
      const measured = await measureScenario(target, scenario, paths, durationMs);
      const report = await takeReport(target, runDir, 2 * point + 2);
      const window = readWindow(report, measured.latencyP50Ms, measured.latencyP99Ms);
      windows.get(target.name)!.push(window);
      console.log(`${target.name} window ${String(point + 1)}/${String(points)}: client p99 ${measured.latencyP99Ms.toFixed(2)} ms, in the server p99 ${(window.get('in the server p99') ?? Number.NaN).toFixed(3)} ms`);
    }
  }
  const rowNames = [...(windows.get(targetNames[0]!)?.[0]?.keys() ?? [])];
  const cell = (name: TargetName, row: string): string => {
    const figures = spread((windows.get(name) ?? []).map((window) => window.get(row) ?? Number.NaN));
    const digits = row === 'requests' || row.startsWith('mark-compacts') ? 0 : row.startsWith('%') || row.includes('a second') ? 1 : 3;
    const format = (value: number): string => value.toFixed(digits);
    return figures.min === figures.max ? format(figures.median) : `${format(figures.median)} (${format(figures.min)}–${format(figures.max)})`;
  };
  console.log(`\n### non-stream, concurrency 1: the tail by window (${String(points)} windows of ${String(durationMs / 1000)} s after ${String(warmupMs / 1000)} s of load; median (range), ms)\n`);
  console.log(markdownTable(['', ...targetNames.map((name) => targetLabels[name])], rowNames.map((row) => [row, ...targetNames.map((name) => cell(name, row))])));
} finally {
  for (const target of targets) await stopTarget(target);
  if (keepRunDir) console.log(`\nreports, logs and stores kept in ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true });
}
