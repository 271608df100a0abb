// Where each server's CPU goes, with Linux perf: every target started as the bench starts it (core 1) with
// Node's --perf-basic-prof (JIT frames named), loaded for `--warmup` seconds so the JIT has settled, then
// sampled with `perf record` over `--duration` seconds of the same load. Prints the CPU per request by
// thread, and the event loop's by kind of work (bench/lib/perf-kinds.ts), as markdown tables, in µs from
// the measured CPU per request of that window. docs/benchmarks.md, "Where the rest goes, round fourteen".
// Needs `perf` (Debian: apt-get install linux-perf). A JIT frame's name comes from the map Node writes; a
// code address V8 reused for other code (a regular expression's, say) may carry an older function's name.
// `--jitdump` names JIT frames from Node's --perf-prof jitdump instead, which has each code object's load
// time: `perf inject --jit` resolves every sample against the code that was there then (docs/benchmarks.md
// "Round fifteen"). V8 then writes every code object it makes to the jitdump, which costs the server some CPU
// of its own (and `perf inject` takes a while): the JIT code's shares are exact, the totals a little high.
// `--top N` also lists each target's N costliest symbols on the event loop (with their kind), on V8's background threads and on worker threads.
// `--attribute N` also records call stacks and charges each of the event loop's samples to the nearest JS function on
// its stack (V8's builtins, runtime, JSON and the kernel's work under a system call to the JS that called them),
// and lists each target's event-loop time by that function's package and its N costliest functions
// (bench/lib/attribute-stacks.ts).
// `--children N` records call stacks (perf record -g: V8's JIT frames keep frame pointers) and lists the N
// JIT functions of Sluice (dist/), the bench's servers, fastify, undici and node:http's server whose calls cost
// the event loop most, callees included (the kernel's work for a write under the call that wrote):
// the time of a stage, not only of its own code (an async function's part after an await is its own root).
// Usage: node bench/perf-split.ts [--targets bare,sluice] [--scenario ns-c64] [--warmup S] [--duration S] [--sluice-dir PATH] [--jitdump] [--top N] [--children N] [--attribute N] [--keep]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { attributeStacks, stackOwners, type StackAttribution } from './lib/attribute-stacks.ts';
import { measureScenario } from './lib/measure.ts';
import { kindOfSample, parsePerfChildrenLine, parsePerfLine, perfKinds, type PerfKind } from './lib/perf-kinds.ts';
import { checkMachine } from './lib/preflight.ts';
import { markdownTable } from './lib/report.ts';
import { scenarios } from './lib/scenarios.ts';
import { setMock, startTarget, stopTarget, targetLabels, type BenchPaths, type TargetName } from './lib/targets.ts';
import { groupOfThreadName, threadGroups, type ThreadGroup } from './lib/thread-cpu.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targetNames = (argumentValue('--targets') ?? 'bare,sluice').split(',') as TargetName[];
const scenarioId = argumentValue('--scenario') ?? 'ns-c64';
const warmupMs = Number(argumentValue('--warmup') ?? '15') * 1000;
const durationMs = Number(argumentValue('--duration') ?? '5') * 1000;
const jitdump = process.argv.includes('--jitdump');
const topCount = Number(argumentValue('--top') ?? '0');
const childrenCount = Number(argumentValue('--children') ?? '0');
const attributeCount = Number(argumentValue('--attribute') ?? '0');
const recordsStacks = childrenCount > 0 || attributeCount > 0;
/** `--keep`: the run's perf data (`<target>.perf.data`, `<target>.jit.data`) stays for `perf report`/`perf script`. */
const keepData = process.argv.includes('--keep');
const scenario = scenarios.find((candidate) => candidate.id === scenarioId);
if (scenario === undefined) throw new Error(`no scenario ${scenarioId}`);
try {
  execFileSync('perf', ['--version'], { stdio: 'ignore' });
} catch {
  process.stderr.write('perf-split: needs Linux perf (Debian: apt-get install linux-perf)\n');
  process.exit(1);
}
checkMachine((line) => {
  console.log(line);
});

interface Split {
  target: TargetName;
  usPerRequest: number;
  threads: Record<ThreadGroup, number>;
  kinds: Record<PerfKind, number>;
  /** The symbols sampled on the event loop, V8's background threads and worker threads, costliest first: µs a request. */
  symbols: { group: ThreadGroup; symbol: string; kind: PerfKind; us: number }[];
  /** With `--children`: JIT functions on the event loop, callees included, costliest first (µs a request). */
  inclusive: { symbol: string; us: number }[];
  /** With `--attribute`: the event loop's samples charged to their nearest JS function. */
  attribution: StackAttribution | undefined;
}

/** How the symbol tables name each thread group they list. */
const threadGroupNames = { 'event loop': 'the event loop', 'V8 background': "V8's background threads", 'worker threads': 'worker threads (the request-log thread)' } as const;

async function splitTarget(name: TargetName, paths: BenchPaths): Promise<Split> {
  const target = await startTarget(name, paths, jitdump ? ['--perf-prof', '--interpreted-frames-native-stack'] : ['--perf-basic-prof']);
  try {
    await setMock(target, { chunks: scenario!.chunks, delayMs: scenario!.delayMs, holdUntil: 0 });
    console.log(`${name}: ${String(warmupMs / 1000)} s of ${scenarioId} before sampling`);
    await measureScenario(target, scenario!, paths, warmupMs);
    const data = join(paths.runDir, `${name}.perf.data`);
    // A jitdump's times are on CLOCK_MONOTONIC: perf's samples must be too (-k mono).
    const recorder = spawn('perf', ['record', ...(jitdump ? ['-k', 'mono'] : []), ...(recordsStacks ? ['-g'] : []), '-F', '999', '-o', data, '-p', String(target.server?.pid)], { stdio: 'ignore' });
    await sleep(300);
    const measured = await measureScenario(target, scenario!, paths, durationMs);
    recorder.kill('SIGINT');
    await new Promise((done) => recorder.once('exit', done));
    const usPerRequest = measured.cpuUsPerRequest ?? Number.NaN;
    const injected = join(paths.runDir, `${name}.jit.data`);
    if (jitdump) execFileSync('perf', ['inject', '--jit', '-i', data, '-o', injected], { stdio: 'ignore' });
    const report = execFileSync('perf', ['report', '-i', jitdump ? injected : data, '--no-children', '--sort', 'comm,dso,sym', '-q', '-g', 'none'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    const threads = Object.fromEntries(threadGroups.map((group) => [group, 0])) as Record<ThreadGroup, number>;
    const kinds = Object.fromEntries(perfKinds.map((kind) => [kind, 0])) as Record<PerfKind, number>;
    const symbols: Split['symbols'] = [];
    for (const line of report.split('\n')) {
      const sample = parsePerfLine(line);
      if (sample === undefined) continue;
      const share = (sample.percent / 100) * usPerRequest;
      const group = groupOfThreadName(sample.thread);
      threads[group] += share;
      const kind = kindOfSample(sample.dso, sample.symbol);
      if (group === 'event loop') kinds[kind] += share;
      if (group === 'event loop' || group === 'V8 background' || group === 'worker threads') symbols.push({ group, symbol: sample.symbol, kind, us: share });
    }
    symbols.sort((a, b) => b.us - a.us);
    const inclusive = childrenCount > 0 ? readInclusive(jitdump ? injected : data, usPerRequest) : [];
    const attribution = attributeCount > 0 ? attributeStacks(execFileSync('perf', ['script', '-i', jitdump ? injected : data, '--comm', 'MainThread', '-F', 'ip,sym'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] })) : undefined;
    return { target: name, usPerRequest, threads, kinds, symbols, inclusive, attribution };
  } finally {
    await stopTarget(target);
    // What Node wrote for perf, not needed once the report is read: the JIT map (--perf-basic-prof) in /tmp, or
    // the jitdump (--perf-prof) in the server's cwd (the Sluice checkout, or this repository for the bare proxy).
    const pid = String(target.server?.pid);
    rmSync(`/tmp/perf-${pid}.map`, { force: true });
    // perf inject writes the code objects it resolves (jitted-<pid>-<n>.so) beside the jitdump, and V8's code
    // logging (which both perf flags turn on) writes isolate-<address>-<pid>-v8.log in the cwd.
    const written = (file: string): boolean => file === `jit-${pid}.dump` || file.startsWith(`jitted-${pid}-`) || (file.startsWith('isolate-') && file.endsWith(`-${pid}-v8.log`));
    for (const folder of [paths.sluiceDir, repoRoot]) {
      for (const file of readdirSync(folder)) if (written(file)) rmSync(join(folder, file), { force: true });
    }
  }
}

/** perf's --children report of the event loop's JIT functions in Sluice, the bench's own servers, fastify, undici and node:http's server side: µs a request, callees included. */
function readInclusive(data: string, usPerRequest: number): Split['inclusive'] {
  const report = execFileSync('perf', ['report', '-i', data, '--children', '--comm', 'MainThread', '--sort', 'sym', '-q', '-g', 'none', '--percent-limit', '0.2'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  const inclusive: Split['inclusive'] = [];
  for (const line of report.split('\n')) {
    const entry = parsePerfChildrenLine(line);
    if (entry === undefined || !/\/dist\/|\/bench\/|node_modules\/(fastify|undici)\/| node:_http_(server|outgoing)/.test(entry.symbol)) continue;
    inclusive.push({ symbol: entry.symbol.replace(/(file:\/\/)?\S*\/(dist|bench|node_modules)\//, '$2/'), us: (entry.children / 100) * usPerRequest });
  }
  return inclusive;
}

const runDir = mkdtempSync(join(tmpdir(), 'sluice-perf-split-'));
const paths: BenchPaths = { repoRoot, sluiceDir: resolve(argumentValue('--sluice-dir') ?? repoRoot), runDir, node: process.execPath, portkey: undefined };
try {
  const splits: Split[] = [];
  for (const name of targetNames) splits.push(await splitTarget(name, paths));
  const us = (value: number): string => value.toFixed(1);
  const header = ['', ...splits.map((split) => `${targetLabels[split.target]} (µs)`)];
  console.log(`\n### ${scenario.title}: CPU a request by thread (${String(durationMs / 1000)} s sampled after ${String(warmupMs / 1000)} s of load)\n`);
  console.log(markdownTable(header, [['all threads', ...splits.map((split) => us(split.usPerRequest))], ...threadGroups.filter((group) => group !== 'ended').map((group) => [group, ...splits.map((split) => us(split.threads[group]))])]));
  console.log(`\n### ${scenario.title}: the event loop's CPU a request by kind of work\n`);
  console.log(markdownTable(header, perfKinds.filter((kind) => splits.some((split) => split.kinds[kind] >= 0.05)).map((kind) => [kind, ...splits.map((split) => us(split.kinds[kind]))])));
  for (const split of topCount > 0 ? splits : []) {
    for (const group of ['event loop', 'V8 background', 'worker threads'] as const) {
      const rows = split.symbols.filter((entry) => entry.group === group).slice(0, topCount);
      if (rows.length === 0) continue;
      console.log(`\n### ${targetLabels[split.target]}: the ${String(topCount)} costliest symbols on ${threadGroupNames[group]}\n`);
      console.log(markdownTable(['symbol', 'kind', 'µs a request'], rows.map((entry) => [entry.symbol.replaceAll('|', '\\|'), entry.kind, us(entry.us)])));
    }
  }
  for (const split of childrenCount > 0 ? splits : []) {
    console.log(`\n### ${targetLabels[split.target]}: the ${String(childrenCount)} JIT functions whose calls cost the event loop most (callees included)\n`);
    console.log(markdownTable(['function', 'µs a request'], split.inclusive.slice(0, childrenCount).map((entry) => [entry.symbol.replaceAll('|', '\\|'), us(entry.us)])));
  }
  const attributed = splits.filter((split) => split.attribution !== undefined && split.attribution.samples > 0);
  if (attributed.length > 0) {
    // Each sample's share of the event loop's measured CPU a request.
    const share = (split: Split, samples: number): number => (samples / (split.attribution?.samples ?? 1)) * split.threads['event loop'];
    console.log(`\n### ${scenario.title}: the event loop's CPU a request by the package of the nearest JS function on the stack\n`);
    console.log(markdownTable(['', ...attributed.map((split) => `${targetLabels[split.target]} (µs)`)], stackOwners.map((owner) => [owner, ...attributed.map((split) => us(share(split, split.attribution?.owners[owner] ?? 0)))])));
    for (const split of attributed) {
      console.log(`\n### ${targetLabels[split.target]}: the ${String(attributeCount)} JS functions charged the most event-loop time (their own code, and the builtins, runtime and kernel work they called)\n`);
      const rows = [...(split.attribution?.functions.entries() ?? [])].sort((a, b) => b[1] - a[1]).slice(0, attributeCount);
      console.log(markdownTable(['function', 'µs a request'], rows.map(([name, samples]) => [name.replaceAll('|', '\\|'), us(share(split, samples))])));
    }
  }
} finally {
  if (keepData) console.log(`\nperf data kept in ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true });
}
