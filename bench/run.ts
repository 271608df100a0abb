// `npm run bench`: the benchmark suite of issues 7 and 13. Starts every target with its own mock upstream,
// measures each server at rest (RSS after one request), checks that each relays correctly, runs the
// scenarios (interleaved repetitions), then the slow streams, prints the table with issue 13's budgets,
// writes bench/results/<date>.json and regenerates docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeBudgets } from './lib/budgets.ts';
import { idleSettleMs, measureIdle, type IdleRow } from './lib/idle.ts';
import { measureScenario, waitForQuiet, type Measurement } from './lib/measure.ts';
import { parseBenchOptions, usage, type BenchOptions } from './lib/options.ts';
import { ensurePortkey, type PortkeyInstall } from './lib/portkey.ts';
import { checkMachine, verifyTarget } from './lib/preflight.ts';
import { canRaiseHardLimits, machineFacts, raiseOpenFilesLimit } from './lib/proc.ts';
import { consoleReport, extractNotes, markdownReport } from './lib/report.ts';
import type { RunResults, ScenarioResult } from './lib/results.ts';
import { requestBody, scenarios, type Scenario } from './lib/scenarios.ts';
import { planSlowStreams, runSlowStreams, wantedSlowStreams } from './lib/slow-streams.ts';
import { detectSluiceFeatures, mockStats, setMock, sluiceConfig, startTarget, stopTarget, type BenchPaths, type SluiceFeatures, type Target, type TargetName } from './lib/targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();

function log(line: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${seconds}s] ${line}\n`);
}

function git(dir: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function portable(command: string, paths: BenchPaths): string {
  return command.replaceAll(paths.node, 'node').replaceAll(paths.runDir, '<run dir>').replaceAll(`${repoRoot}/`, '').replaceAll(paths.sluiceDir, '<sluice dir>');
}

function writeOutputs(run: RunResults, options: BenchOptions): void {
  run.budgets = computeBudgets(run);
  process.stdout.write(`${consoleReport(run)}\n`);
  if (options.fromJson === undefined) {
    const resultsDir = join(repoRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const stamp = run.date.replaceAll(':', '-');
    const json = `${JSON.stringify(run, null, 2)}\n`;
    writeFileSync(join(resultsDir, `${stamp}${options.quick ? '-quick' : ''}.json`), json);
    if (!options.quick) writeFileSync(join(resultsDir, 'latest.json'), json);
    log(`results written to bench/results/${stamp}${options.quick ? '-quick' : ''}.json`);
  }
  if (options.docs) {
    const docFile = join(repoRoot, 'docs', 'benchmarks.md');
    const previous = existsSync(docFile) ? extractNotes(readFileSync(docFile, 'utf8')) : undefined;
    writeFileSync(docFile, markdownReport(run, previous));
    log('docs/benchmarks.md regenerated');
  }
}

/** This repository's last commit, unpacked beside the run (node_modules linked), untouched by edits in progress. */
function snapshotHead(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-head-'));
  execFileSync('sh', ['-c', `git -C "$0" archive HEAD | tar -x -C "$1"`, repoRoot, folder]);
  symlinkSync(join(repoRoot, 'node_modules'), join(folder, 'node_modules'));
  return folder;
}

const noisyLoad = 0.1;

/** A measurement with no one else's work on the server core: retried (`options.noisyRetries` times at most) when there was. */
async function measureQuietly(target: Target, scenario: Scenario, options: BenchOptions, paths: BenchPaths, durationMs: number, notes: string[]): Promise<Measurement> {
  let measurement: Measurement | undefined;
  for (let attempt = 0; attempt <= options.noisyRetries; attempt++) {
    const quiet = await waitForQuiet(options.quietWaitMs);
    if (quiet.busy > noisyLoad) log(`machine still ${Math.round(quiet.busy * 100)}% busy with other work after ${Math.round(quiet.waitedMs / 1000)} s; measuring anyway`);
    measurement = await measureScenario(target, scenario, paths, durationMs);
    if (measurement.otherLoad <= noisyLoad) return measurement;
    log(`${scenario.id} ${target.name}: other processes took ${Math.round(measurement.otherLoad * 100)}% of the server core; ${attempt < options.noisyRetries ? 'measuring again' : 'keeping it'}`);
  }
  notes.push(`${scenario.id} on ${target.name}: other processes on the machine took ${Math.round((measurement?.otherLoad ?? 0) * 100)}% of the server core during the kept repetition.`);
  return measurement!;
}

async function runScenario(scenario: Scenario, active: Map<TargetName, Target>, options: BenchOptions, paths: BenchPaths, notes: string[]): Promise<ScenarioResult> {
  const targets = scenario.targets.map((name) => active.get(name)).filter((target): target is Target => target !== undefined);
  const durationMs = Math.round(options.durationMs * (scenario.durationFactor ?? 1));
  const rows = targets.map((target) => ({ target: target.name, reps: [] as Measurement[], mockRejected: 0 }));
  for (const target of targets) {
    await setMock(target, { chunks: scenario.chunks, delayMs: scenario.delayMs, holdUntil: 0 });
    log(`${scenario.id}: warming up ${target.name}`);
    for (let run = 0; run < (scenario.warmupRuns ?? 1); run++) {
      await measureScenario(target, scenario, paths, options.warmupMs).catch((error: unknown) => {
        notes.push(`${scenario.id} warm-up on ${target.name} failed: ${String(error)}`);
      });
    }
  }
  for (let rep = 0; rep < options.reps; rep++) {
    for (let index = 0; index < targets.length; index++) {
      const target = targets[(index + rep) % targets.length]!;
      const row = rows.find((entry) => entry.target === target.name)!;
      try {
        const measurement = await measureQuietly(target, scenario, options, paths, durationMs, notes);
        row.reps.push(measurement);
        const unit = scenario.clientStream ? 'streams/s' : 'req/s';
        const cpu = measurement.cpuUsPerRequest === undefined ? '' : `, ${Math.round(measurement.cpuUsPerRequest)} µs CPU each`;
        log(`${scenario.id} rep ${rep + 1}/${options.reps} ${target.name}: ${Math.round(measurement.rate)} ${unit}, p99 ${measurement.latencyP99Ms.toFixed(2)} ms${cpu}${measurement.errors > 0 ? `, ${measurement.errors} FAILED` : ''}`);
      } catch (error) {
        notes.push(`${scenario.id} rep ${rep + 1} on ${target.name} failed: ${String(error).slice(0, 300)}`);
        log(`${scenario.id} rep ${rep + 1} ${target.name}: failed (${String(error).slice(0, 200)})`);
      }
    }
  }
  for (const target of targets) rows.find((entry) => entry.target === target.name)!.mockRejected = (await mockStats(target)).rejected;
  return { scenario, rows };
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (options.fromJson !== undefined) {
    // Re-render the table and docs/benchmarks.md from a saved run (no measuring).
    writeOutputs(JSON.parse(readFileSync(resolve(options.fromJson), 'utf8')) as RunResults, options);
    return;
  }
  checkMachine(log);
  const wantedStreams = options.slowStreams ?? wantedSlowStreams;
  const limit = raiseOpenFilesLimit(wantedStreams * 2 + 1_000);
  log(`open-files limit: ${limit.soft} (hard ${limit.hard}), inherited by every server, mock and load client`);
  const machine = { ...machineFacts(), openFilesLimit: limit.hard, openFilesSoftLimit: limit.soft };
  const notes: string[] = [];
  let sluiceDir = resolve(options.sluiceDir ?? repoRoot);
  let sluiceCommit = git(sluiceDir, ['rev-parse', '--short', 'HEAD']) || 'unknown';
  let dirtyFiles = git(sluiceDir, ['status', '--porcelain', '--', 'src']).split('\n').filter((line) => line.length > 0).length;
  if (options.sluiceHead) {
    sluiceDir = snapshotHead();
    sluiceCommit = git(repoRoot, ['rev-parse', '--short', 'HEAD']);
    dirtyFiles = 0;
  }
  let portkey: PortkeyInstall | undefined;
  let portkeySkipped: string | undefined;
  if (options.targets.includes('portkey')) {
    try {
      portkey = ensurePortkey(join(repoRoot, 'bench', '.targets', 'portkey'), log);
    } catch (error) {
      portkeySkipped = `install failed: ${String(error).slice(0, 200)}`;
      notes.push(`Portkey was not measured: ${portkeySkipped}`);
    }
  } else portkeySkipped = 'not selected';
  if (options.sluiceNodeArgs.length > 0) notes.push(`Sluice was started with the extra Node flags \`${options.sluiceNodeArgs.join(' ')}\` (bin/node-flags.js adds none of its defaults that these set).`);
  const paths: BenchPaths = { repoRoot, sluiceDir, runDir: mkdtempSync(join(tmpdir(), 'sluice-bench-')), node: process.execPath, portkey, sluiceNodeArgs: options.sluiceNodeArgs };
  log(`run folder ${paths.runDir}; Node ${process.version}; Sluice from ${sluiceDir}${options.sluiceNodeArgs.length > 0 ? ` with ${options.sluiceNodeArgs.join(' ')}` : ''}`);

  const active = new Map<TargetName, Target>();
  const interrupt = (signal: string): void => {
    log(`${signal}: stopping every target`);
    void Promise.all([...active.values()].map((target) => stopTarget(target))).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const invocation = process.argv.slice(2).join(' ');
  const commands: Record<string, string> = { 'this run (npm run bench -- --quick for a short one)': `npm run bench${invocation === '' ? '' : ` -- ${invocation}`}` };
  const idle: IdleRow[] = [];
  const measureRest = options.scenarios === undefined || options.scenarios.includes('idle') || options.scenarios.includes('slow-streams');
  try {
    for (const name of options.targets) {
      if (name === 'portkey' && portkey === undefined) continue;
      log(`starting ${name}`);
      try {
        const target = await startTarget(name, paths);
        // The collecting bare proxy is the same process as the bare proxy, measured at rest already.
        if (measureRest && name !== 'bare-collect') {
          const row = await measureIdle(target, idleSettleMs);
          if (row !== undefined) {
            idle.push(row);
            const early = row.early === undefined ? '' : `; ${(row.early.rssBytes / 1e6).toFixed(1)} MB ${String(row.early.settleMs / 1000)} s after the request`;
            log(`${name} at rest: RSS ${(row.rssBytes / 1e6).toFixed(1)} MB ${String(row.settleMs / 1000)} s after the request${early}, ${String(row.fds)} open files`);
          }
        }
        const problems = await verifyTarget(target, { node: paths.node, repoRoot });
        if (problems.length > 0) {
          await stopTarget(target);
          throw new Error(`does not relay correctly: ${problems.join('; ')}`);
        }
        active.set(name, target);
        commands[`mock upstream for ${name}`] = portable(target.mock.command, paths);
        if (target.server !== undefined) commands[`${name} (server under test)`] = `${name === 'sluice-nolog' ? 'LOG_LEVEL=silent ' : ''}${name === 'portkey' ? `cd ${portkey?.gatewayDir.replace(`${repoRoot}/`, '') ?? ''} && ` : ''}${portable(target.server.command, paths)}`;
        log(`${name} ready at ${target.url} (verified: non-stream, stream, paced stream)`);
      } catch (error) {
        if (name === 'sluice' || name === 'direct') throw error;
        notes.push(`${name} was not measured: ${String(error).slice(0, 300)}`);
        if (name === 'portkey') portkeySkipped = String(error).slice(0, 200);
        log(`${name} skipped: ${String(error).slice(0, 300)}`);
      }
    }
    const sluiceTarget = active.get('sluice')!;
    commands['non-stream load (wrk, one per target and concurrency of 16 or more)'] =
      `BENCH_BODY_FILE=<run dir>/body.json BENCH_HEADERS='authorization: Bearer …' taskset -c 0 wrk -t1 -c64 -d${options.durationMs / 1000}s --timeout 10s -s bench/wrk/post.lua ${sluiceTarget.url}/v1/chat/completions`;
    commands['non-stream load at concurrency 1 (Node client)'] = `taskset -c 0 node bench/load-client.ts '{"host":"127.0.0.1","port":${sluiceTarget.port},"path":"/v1/chat/completions","stream":false,"connections":1,"durationMs":${options.durationMs},"expectChunks":20,"body":"…","headers":{…},"hardTimeoutMs":…}'`;
    commands['stream load (Node client)'] = `taskset -c 0 node bench/load-client.ts '{"host":"127.0.0.1","port":${sluiceTarget.port},"path":"/v1/chat/completions","stream":true,"connections":64,"durationMs":${options.durationMs},"expectChunks":20,"body":"…","headers":{…},"hardTimeoutMs":…}'`;
    commands['request body (stream scenarios add "stream": true)'] = `# ${requestBody({ model: 'bench-model', clientStream: false })}`;

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      if (options.scenarios !== undefined && !options.scenarios.includes(scenario.id)) continue;
      log(`scenario ${scenario.id}: ${scenario.title}`);
      results.push(await runScenario(scenario, active, options, paths, notes));
    }
    let features: SluiceFeatures | undefined;
    try {
      features = await detectSluiceFeatures(sluiceTarget);
    } catch (error) {
      notes.push(`could not detect Sluice's features: ${String(error)}`);
    }
    // The proxies' descriptors at rest decide how many streams fit under the limit (the same count for every target).
    const restingFds = Math.max(0, ...idle.map((row) => row.fds).filter((fds) => Number.isFinite(fds)));
    const slowPlan = planSlowStreams(wantedStreams, { ...limit, canRaise: canRaiseHardLimits() }, restingFds > 0 ? restingFds : 100);
    const slowStreams = slowPlan.streams > 0 && (options.scenarios === undefined || options.scenarios.includes('slow-streams')) ? await runSlowStreams(slowPlan.streams, options, paths, active, log) : undefined;

    const date = new Date();
    const run: RunResults = {
      date: date.toISOString().replace(/\.\d+Z$/, 'Z'),
      quick: options.quick,
      durationSeconds: (performance.now() - started) / 1000,
      machine,
      settings: { reps: options.reps, durationMs: options.durationMs, warmupMs: options.warmupMs, slowStreams: slowPlan.streams, ...(slowPlan.note === undefined ? {} : { slowStreamsNote: slowPlan.note }) },
      sluice: {
        dir: options.sluiceHead ? 'snapshot of HEAD (git archive)' : sluiceDir === repoRoot ? '.' : sluiceDir,
        commit: sluiceCommit,
        dirtyFiles,
        features,
        config: sluiceConfig(sluiceTarget.port, sluiceTarget.mockUrl, '<run dir>/sluice.db'),
      },
      portkey: portkey !== undefined && portkeySkipped === undefined ? { version: portkey.version, honoNodeServer: portkey.honoNodeServer } : { skipped: portkeySkipped ?? 'not installed' },
      targets: [...options.targets],
      commands,
      scenarios: results,
      idle,
      slowStreams,
      budgets: [],
      notes,
    };
    writeOutputs(run, options);
    rmSync(paths.runDir, { recursive: true, force: true });
    if (options.sluiceHead) rmSync(sluiceDir, { recursive: true, force: true });
  } finally {
    for (const target of active.values()) await stopTarget(target);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
