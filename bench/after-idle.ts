// What a burst costs after the server sat idle: Sluice (the bench's target, bin/sluice.js as users start it)
// loaded at c=64 non-stream for 3 s, left alone for `--idle` seconds, then loaded again and measured in 1 s
// slices, several rounds. Prints the resident memory under load and after the gap, and the server's CPU per
// request in each slice (docs/benchmarks.md, "After an idle gap, round thirteen").
// Usage: node bench/after-idle.ts [--sluice-dir PATH] [--idle S] [--rounds N] [--node-args "--memory-reducer …"]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { measureScenario } from './lib/measure.ts';
import { rssBytes } from './lib/proc.ts';
import { scenarios } from './lib/scenarios.ts';
import { setMock, startTarget, stopTarget, type BenchPaths } from './lib/targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const idleMs = Number(argumentValue('--idle') ?? '12') * 1000;
const rounds = Number(argumentValue('--rounds') ?? '3');
const nodeArgs = (argumentValue('--node-args') ?? '').split(/\s+/).filter((arg) => arg.length > 0);
const slices = 6;
const scenario = scenarios.find((candidate) => candidate.id === 'ns-c64');
if (scenario === undefined) throw new Error('no ns-c64 scenario');
const runDir = mkdtempSync(join(tmpdir(), 'sluice-after-idle-'));
const paths: BenchPaths = { repoRoot, sluiceDir: resolve(argumentValue('--sluice-dir') ?? repoRoot), runDir, node: process.execPath, portkey: undefined, sluiceNodeArgs: nodeArgs };
const target = await startTarget('sluice', paths);
try {
  await setMock(target, { chunks: scenario.chunks, delayMs: scenario.delayMs, holdUntil: 0 });
  const pid = target.server?.pid ?? -1;
  const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);
  console.log(`Sluice from ${paths.sluiceDir}${nodeArgs.length > 0 ? ` with ${nodeArgs.join(' ')}` : ''}: ${megabytes(rssBytes(pid))} MB after start; ${String(idleMs / 1000)} s idle gaps`);
  await measureScenario(target, scenario, paths, 3000);
  for (let round = 1; round <= rounds; round += 1) {
    const loaded = rssBytes(pid);
    await sleep(idleMs);
    const rested = rssBytes(pid);
    const cpu: string[] = [];
    for (let slice = 0; slice < slices; slice += 1) cpu.push(((await measureScenario(target, scenario, paths, 1000)).cpuUsPerRequest ?? Number.NaN).toFixed(0));
    console.log(`round ${String(round)}: RSS ${megabytes(loaded)} MB under load, ${megabytes(rested)} MB after the gap; then µs CPU a request, 1 s slices: ${cpu.join(' ')}`);
  }
} finally {
  await stopTarget(target);
  rmSync(runDir, { recursive: true, force: true });
}
