// What a non-stream request leaves in V8's old generation, and how often it is collected: Sluice started as the
// bench starts it, with `--trace-gc-nvp`, `--warmup` seconds of ns-c1's load (one connection, the load client),
// then `--duration` seconds more. From V8's line per collection of the main isolate: the rise of the heap's object
// size from one scavenge to the next over the last `--tail` seconds (after the heap's limits have settled), per
// second and per request, and the full collections in that time. Promotion is what starts V8's marking
// (docs/benchmarks.md "Round twenty-five"), so it is read here without the machine's speed in it.
// Usage: node bench/old-generation.ts [--sluice-dir PATH] [--warmup 8] [--duration 30] [--tail 20]
//          [--sluice-node-args "--flag …"]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { measureScenario } from './lib/measure.ts';
import { scenarios } from './lib/scenarios.ts';
import { startTarget, stopTarget, type BenchPaths } from './lib/targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const warmupMs = Number(argumentValue('--warmup') ?? '8') * 1000;
const durationMs = Number(argumentValue('--duration') ?? '30') * 1000;
const tailMs = Number(argumentValue('--tail') ?? '20') * 1000;
const extraFlags = (argumentValue('--sluice-node-args') ?? '').split(' ').filter((flag) => flag.length > 0);

interface Collection {
  atMs: number;
  kind: string;
  objectBytes: number;
}

/** V8's `--trace-gc-nvp` lines of the isolate with the most collections (the main thread's; the log thread has its own). */
export function readCollections(log: string): Collection[] {
  const lines = log.split('\n').filter((line) => line.includes(' gc='));
  const isolateOf = (line: string): string => line.split(':')[1] ?? '';
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(isolateOf(line), (counts.get(isolateOf(line)) ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return lines
    .filter((line) => isolateOf(line) === main)
    .map((line) => ({
      atMs: Number(/\s(\d+) ms:/.exec(line)?.[1] ?? Number.NaN),
      kind: /\sgc=(\S+)/.exec(line)?.[1] ?? '',
      objectBytes: Number(/\send_object_size=(\d+)/.exec(line)?.[1] ?? Number.NaN),
    }));
}

/** Growth of the old generation over the collections given: object size after a scavenge minus after the one before. */
export function growthBetweenScavenges(collections: readonly Collection[]): { bytes: number; seconds: number } {
  let bytes = 0;
  for (let index = 1; index < collections.length; index += 1) {
    const [before, after] = [collections[index - 1], collections[index]];
    if (before?.kind === 's' && after?.kind === 's') bytes += after.objectBytes - before.objectBytes;
  }
  const first = collections[0]?.atMs ?? 0;
  const last = collections.at(-1)?.atMs ?? 0;
  return { bytes, seconds: (last - first) / 1000 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runDir = mkdtempSync(join(tmpdir(), 'sluice-old-generation-'));
  const paths: BenchPaths = { repoRoot, sluiceDir: resolve(argumentValue('--sluice-dir') ?? repoRoot), runDir, node: process.execPath, portkey: undefined, sluiceNodeArgs: ['--trace-gc-nvp', ...extraFlags] };
  const scenario = scenarios.find((candidate) => candidate.id === 'ns-c1');
  if (scenario === undefined) throw new Error('no ns-c1 scenario');
  const target = await startTarget('sluice', paths);
  try {
    await measureScenario(target, scenario, paths, warmupMs);
    const measured = await measureScenario(target, scenario, paths, durationMs);
    const collections = readCollections(readFileSync(join(runDir, 'sluice.log'), 'utf8'));
    const endMs = collections.at(-1)?.atMs ?? 0;
    const tail = collections.filter((collection) => collection.atMs >= endMs - tailMs);
    const { bytes, seconds } = growthBetweenScavenges(tail);
    const perSecond = measured.requests / (durationMs / 1000);
    console.log(
      JSON.stringify({
        requestsPerSecond: Math.round(perSecond),
        p99Ms: Number(measured.latencyP99Ms.toFixed(3)),
        cpuUsPerRequest: Math.round(measured.cpuUsPerRequest ?? Number.NaN),
        tailSeconds: Number(seconds.toFixed(1)),
        scavenges: tail.filter((collection) => collection.kind === 's').length,
        fullCollections: tail.filter((collection) => collection.kind !== 's').length,
        oldGrowthKBPerSecond: Math.round(bytes / seconds / 1024),
        oldGrowthBytesPerRequest: Math.round(bytes / seconds / perSecond),
      }),
    );
  } finally {
    await stopTarget(target);
    rmSync(runDir, { recursive: true, force: true });
  }
}
