// Where a request's time goes inside each server under load: every target started as the bench starts
// it (core 1) with bench/lib/phase-probe.ts loaded, loaded for `--warmup` seconds, then measured over
// `--duration` seconds of the same load. Prints, per target, the mean time a chat request spent in
// each phase the probe sees (Node's and undici's diagnostics channels), the server's CPU a request and
// its share of core 1, and the rest of a closed-loop cycle (concurrency / rate − the server's phases):
// the time a request spent outside the server's view (the load client, the kernel, and the wait before
// the server read it). docs/benchmarks.md, "Round twenty: where a stream's time goes".
// Usage: node bench/request-phases.ts [--targets bare,sluice] [--scenario stream-c64] [--warmup S] [--duration S] [--sluice-dir PATH]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { measureScenario, type Measurement } from './lib/measure.ts';
import { phaseNames, reportDirVariable, reportEveryMs, type PhaseReport } from './lib/phase-probe.ts';
import { checkMachine } from './lib/preflight.ts';
import { markdownTable } from './lib/report.ts';
import { scenarios } from './lib/scenarios.ts';
import { setMock, startTarget, stopTarget, targetLabels, type BenchPaths, type TargetName } from './lib/targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targetNames = (argumentValue('--targets') ?? 'bare,sluice').split(',') as TargetName[];
const scenarioId = argumentValue('--scenario') ?? 'stream-c64';
const warmupMs = Number(argumentValue('--warmup') ?? '10') * 1000;
const durationMs = Number(argumentValue('--duration') ?? '5') * 1000;
const scenario = scenarios.find((candidate) => candidate.id === scenarioId);
if (scenario === undefined) throw new Error(`no scenario ${scenarioId}`);
checkMachine((line) => {
  console.log(line);
});

interface Phases {
  target: TargetName;
  measured: Measurement;
  /** Mean ms a request spent in each phase over the measured window. */
  meanMs: number[];
}

function readReport(runDir: string, pid: number | undefined): PhaseReport {
  return JSON.parse(readFileSync(join(runDir, `phases-${String(pid)}.json`), 'utf8')) as PhaseReport;
}

async function measurePhases(name: TargetName, paths: BenchPaths): Promise<Phases> {
  const target = await startTarget(name, paths, ['--import', join(repoRoot, 'bench', 'lib', 'phase-probe.ts')]);
  try {
    await setMock(target, { chunks: scenario!.chunks, delayMs: scenario!.delayMs, holdUntil: 0 });
    console.log(`${name}: ${String(warmupMs / 1000)} s of ${scenarioId} before measuring`);
    await measureScenario(target, scenario!, paths, warmupMs);
    await sleep(reportEveryMs * 2); // a fresh report
    const before = readReport(paths.runDir, target.server?.pid);
    const measured = await measureScenario(target, scenario!, paths, durationMs);
    await sleep(reportEveryMs * 2); // a fresh report
    const after = readReport(paths.runDir, target.server?.pid);
    const meanMs = phaseNames.map((_name, phase) => {
      const exits = (after.exits[phase] ?? 0) - (before.exits[phase] ?? 0);
      return exits === 0 ? Number.NaN : ((after.areaMs[phase] ?? 0) - (before.areaMs[phase] ?? 0)) / exits;
    });
    return { target: name, measured, meanMs };
  } finally {
    await stopTarget(target);
  }
}

const runDir = mkdtempSync(join(tmpdir(), 'sluice-request-phases-'));
// The servers inherit it (bench/lib/targets.ts passes the environment on): the probe writes its reports there.
process.env[reportDirVariable] = runDir;
const paths: BenchPaths = { repoRoot, sluiceDir: resolve(argumentValue('--sluice-dir') ?? repoRoot), runDir, node: process.execPath, portkey: undefined };
try {
  const results: Phases[] = [];
  for (const name of targetNames) results.push(await measurePhases(name, paths));
  const ms = (value: number): string => value.toFixed(2);
  // A closed loop's cycle is its concurrency over its rate; an open loop (the paced scenario) has none.
  const closedLoop = scenario.arrivalsPerSecond === undefined;
  const cycleMs = (result: Phases): number => (closedLoop ? (scenario.connections / result.measured.rate) * 1000 : Number.NaN);
  const inServer = (result: Phases): number => result.meanMs.reduce((sum, value) => sum + value, 0);
  console.log(`\n### ${scenario.title}: mean ms a request spent in each phase (${String(durationMs / 1000)} s after ${String(warmupMs / 1000)} s of load)\n`);
  const header = ['', ...results.map((result) => targetLabels[result.target])];
  console.log(
    markdownTable(header, [
      ...phaseNames.map((phase, index) => [phase, ...results.map((result) => ms(result.meanMs[index] ?? Number.NaN))]),
      ['in the server, all phases', ...results.map((result) => ms(inServer(result)))],
      ...(closedLoop
        ? [
            [`closed-loop cycle (${String(scenario.connections)} / rate)`, ...results.map((result) => ms(cycleMs(result)))],
            ['outside the server (cycle − phases)', ...results.map((result) => ms(cycleMs(result) - inServer(result)))],
          ]
        : []),
      ['rate a second', ...results.map((result) => result.measured.rate.toFixed(0))],
      ['server CPU µs a request', ...results.map((result) => (result.measured.cpuUsPerRequest ?? Number.NaN).toFixed(0))],
      ['server CPU share of core 1', ...results.map((result) => `${((result.measured.serverCpuShare ?? Number.NaN) * 100).toFixed(0)}%`)],
      ['core 0 busy (load client and mock)', ...results.map((result) => `${(result.measured.generatorCoreBusy * 100).toFixed(0)}%`)],
    ]),
  );
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
