// Profiles Sluice under load: `node --cpu-prof src/main.ts …` on core 1, the mock and the load on core 0,
// then lists the hottest functions by self time (file:line) and the self time per file and package.
// Usage: node bench/profile.ts [--load ns|stream|both] [--duration S] [--top N] [--sluice-dir PATH]
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureClient, measureWrk } from './lib/measure.ts';
import { checkMachine } from './lib/preflight.ts';
import { requestBody } from './lib/scenarios.ts';
import { setMock, startTarget, stopTarget } from './lib/targets.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function argument(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  return index === -1 ? fallback : (args[index + 1] ?? fallback);
}

function where(url: string): string {
  if (url === '') return '(native/VM)';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(repoRoot)) return path.slice(repoRoot.length + 1);
  if (path.startsWith('node:')) return path;
  return path;
}

function packageOf(file: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (match?.[1] !== undefined) return match[1];
  if (file.startsWith('src/')) return `sluice ${file.split('/').slice(0, 2).join('/')}`;
  if (file.startsWith('node:')) return 'node core';
  return file;
}

export function summarizeProfile(profile: CpuProfile, top: number): string {
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    const file = where(node.callFrame.url);
    const name = node.callFrame.functionName || '(anonymous)';
    const key = `${name}  ${file}${node.callFrame.url === '' ? '' : `:${node.callFrame.lineNumber + 1}`}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const group = node.callFrame.url === '' ? name : packageOf(file);
    byPackage.set(group, (byPackage.get(group) ?? 0) + micros);
  }
  const share = (micros: number): string => `${((micros / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`total sampled: ${(total / 1e6).toFixed(2)} s`, '', `top ${top} functions by self time:`];
  for (const [key, micros] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${share(micros)}  ${key}`);
  lines.push('', 'self time by package / Sluice folder:');
  for (const [key, micros] of [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${share(micros)}  ${key}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  checkMachine((line) => process.stderr.write(`${line}\n`));
  const load = argument('--load', 'both');
  const durationMs = Number(argument('--duration', '10')) * 1000;
  const top = Number(argument('--top', '30'));
  const runDir = mkdtempSync(join(tmpdir(), 'sluice-profile-'));
  const profileDir = join(runDir, 'profiles');
  const paths = { repoRoot, sluiceDir: resolve(argument('--sluice-dir', repoRoot)), runDir, node: process.execPath, portkey: undefined };
  const target = await startTarget('sluice', paths, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  try {
    if (load === 'ns' || load === 'both') {
      await setMock(target, { chunks: 20, delayMs: 0, holdUntil: 0 });
      const result = await measureWrk(target, { connections: 64, durationMs, body: requestBody({ model: 'bench-model', clientStream: false }), runDir, luaScript: join(repoRoot, 'bench', 'wrk', 'post.lua') });
      process.stderr.write(`non-stream c64: ${Math.round(result.rate)} req/s, ${Math.round(result.cpuUsPerRequest ?? 0)} µs CPU per request\n`);
    }
    if (load === 'stream' || load === 'both') {
      await setMock(target, { chunks: 20, delayMs: 0, holdUntil: 0 });
      const result = await measureClient(target, {
        node: process.execPath,
        repoRoot,
        body: requestBody({ model: 'bench-model', clientStream: true }),
        stream: true,
        connections: 64,
        durationMs,
        expectChunks: 20,
        hardTimeoutMs: durationMs + 30_000,
      });
      process.stderr.write(`stream c64: ${Math.round(result.rate)} streams/s, ${Math.round(result.cpuUsPerRequest ?? 0)} µs CPU per stream, ${result.errors} failed\n`);
    }
  } finally {
    await stopTarget(target);
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  process.stdout.write(`profile: ${join(profileDir, file)} (open it in Chrome DevTools → Performance, or speedscope)\n${summarizeProfile(profile, top)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`profile: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
