// What held each core while a slow request cycle at concurrency 1 went by: one window of bench/request-tail.ts
// (`--keep`, its probe report `tail-<pid>-<n>.json`) laid over the kernel's scheduler record of the same seconds
// (`perf sched record -k mono -a`, then `perf sched timehist > FILE`). A cycle is the time from one response's
// finish to the next's (at concurrency 1 the cycles tile the server's timeline); for the middle half of the
// cycles, the band around their p99 and the slowest, it prints the mean time per cycle each thread ran on each
// core, and how long the core was idle. The server's own threads are named `server:` (its event loop is
// `server:main`), other processes by their thread name. docs/benchmarks.md, "Round twenty-six".
// Usage: node bench/tail-sched.ts --timehist FILE --report tail-<pid>-<n>.json [--pid PID]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { argumentValue } from './lib/argument.ts';
import { markdownTable } from './lib/report.ts';
import { percentileOfSorted } from './lib/stats.ts';
import type { TailReport } from './lib/tail-probe.ts';

/** One stretch a thread ran on a core, in ms on CLOCK_MONOTONIC. */
interface Run {
  start: number;
  end: number;
  thread: string;
}

/** A cycle: from the previous response's finish to this one's, in ms on CLOCK_MONOTONIC. */
interface Cycle {
  start: number;
  end: number;
}

/** `perf sched timehist` rows (time, [cpu], task[tid/pid], wait, sch delay, run time), by core, in time order. */
export function readTimehist(text: string, serverPid: string): Map<string, Run[]> {
  const byCore = new Map<string, Run[]>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || !/^\[\d+\]$/.test(fields[1]!)) continue;
    const end = Number(fields[0]) * 1000;
    const ran = Number(fields.at(-1));
    if (!Number.isFinite(end) || !Number.isFinite(ran)) continue;
    const task = /^(.*)\[(\d+)(?:\/(\d+))?\]$/.exec(fields[2]!);
    let thread = 'idle';
    if (fields[2] !== '<idle>') {
      if (task === null) continue;
      const [, name, tid, pid = tid] = task;
      thread = pid === serverPid ? `server:${tid === serverPid ? 'main' : name!}` : name!;
    }
    const runs = byCore.get(fields[1]!) ?? [];
    runs.push({ start: end - ran, end, thread });
    byCore.set(fields[1]!, runs);
  }
  for (const runs of byCore.values()) runs.sort((a, b) => a.start - b.start);
  return byCore;
}

/** Each thread's time on `runs` within [from, to), in ms. */
export function occupy(runs: readonly Run[], from: number, to: number): Map<string, number> {
  const held = new Map<string, number>();
  let low = 0;
  let high = runs.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (runs[middle]!.end <= from) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < runs.length && runs[index]!.start < to; index += 1) {
    const run = runs[index]!;
    const overlap = Math.min(run.end, to) - Math.max(run.start, from);
    if (overlap > 0) held.set(run.thread, (held.get(run.thread) ?? 0) + overlap);
  }
  return held;
}

/** The report's cycles inside the record's span, on CLOCK_MONOTONIC, slowest last. */
export function readCycles(report: TailReport, from: number, to: number): Cycle[] {
  const cycles: Cycle[] = [];
  const finish = (index: number): number => report.starts[index]! + report.durations[index]! + report.monotonicOffsetMs;
  for (let index = 1; index < report.starts.length; index += 1) {
    const cycle = { start: finish(index - 1), end: finish(index) };
    if (cycle.start >= from && cycle.end <= to) cycles.push(cycle);
  }
  return cycles.sort((a, b) => a.end - a.start - (b.end - b.start));
}

const reportFile = argumentValue('--report');
const timehistFile = argumentValue('--timehist');
if (reportFile !== undefined && timehistFile !== undefined) {
  const pid = argumentValue('--pid') ?? /^tail-(\d+)-/.exec(basename(reportFile))?.[1];
  if (pid === undefined) throw new Error('--pid is needed when the report is not named tail-<pid>-<n>.json');
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as TailReport;
  const byCore = readTimehist(readFileSync(timehistFile, 'utf8'), pid);
  const all = [...byCore.values()].flat();
  const from = all.reduce((earliest, run) => Math.min(earliest, run.start), Number.POSITIVE_INFINITY);
  const to = all.reduce((latest, run) => Math.max(latest, run.end), Number.NEGATIVE_INFINITY);
  const cycles = readCycles(report, from, to);
  const lengths = cycles.map((cycle) => cycle.end - cycle.start);
  const at = (share: number): number => Math.floor(cycles.length * share);
  console.log(`${String(cycles.length)} cycles; p50 ${percentileOfSorted(lengths, 50).toFixed(3)} ms, p99 ${percentileOfSorted(lengths, 99).toFixed(3)} ms, p99.9 ${percentileOfSorted(lengths, 99.9).toFixed(3)} ms\n`);
  const bands: [string, Cycle[]][] = [
    ['middle half', cycles.slice(at(0.25), at(0.75))],
    ['p98.5–p99.5', cycles.slice(at(0.985), at(0.995))],
    ['slowest 0.5 %', cycles.slice(at(0.995))],
  ];
  for (const [core, runs] of [...byCore].sort(([a], [b]) => a.localeCompare(b))) {
    const means = bands.map(([, band]) => {
      const total = new Map<string, number>();
      for (const cycle of band) for (const [thread, ms] of occupy(runs, cycle.start, cycle.end)) total.set(thread, (total.get(thread) ?? 0) + ms);
      return new Map([...total].map(([thread, ms]) => [thread, ms / Math.max(1, band.length)]));
    });
    // Listed by their time in the band around the p99, the one the budget reads.
    const aroundP99 = means[1]!;
    const threads = [...new Set(means.flatMap((mean) => [...mean.keys()]))]
      .filter((thread) => means.some((mean) => (mean.get(thread) ?? 0) >= 0.01))
      .sort((a, b) => (aroundP99.get(b) ?? 0) - (aroundP99.get(a) ?? 0));
    const cycleRow = ['cycle (mean)', ...bands.map(([, band]) => (band.reduce((sum, cycle) => sum + cycle.end - cycle.start, 0) / Math.max(1, band.length)).toFixed(3))];
    console.log(`### core ${core}: ms a cycle each thread ran (mean)\n`);
    console.log(markdownTable(['', ...bands.map(([name, band]) => `${name} (${String(band.length)})`)], [cycleRow, ...threads.map((thread) => [thread, ...means.map((mean) => (mean.get(thread) ?? 0).toFixed(3))])]));
    console.log('');
  }
}
