// Profiles Sluice under load: `node --cpu-prof bin/sluice.js …` (the compiled server: frames name dist/*.js,
// same function names as src/) on core 1, the mock and the load on core 0,
// then lists the hottest functions by self time (file:line) and the self time per file and package.
// Usage: node bench/profile.ts [--load ns|stream|both|all|<scenario id>,…] [--duration S] [--top N] [--sluice-dir PATH]
// Each scenario gets a fresh Sluice and its own profile; the summaries are printed as markdown sections.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argumentValue } from './lib/argument.ts';
import { measureScenario } from './lib/measure.ts';
import { checkMachine } from './lib/preflight.ts';
import { scenarios, type Scenario } from './lib/scenarios.ts';
import { setMock, startTarget, stopTarget, type BenchPaths } from './lib/targets.ts';

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
  return argumentValue(name) ?? fallback;
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

/** The scenarios to profile: ids from bench/lib/scenarios.ts, `all`, or the old `ns` / `stream` / `both`. */
function selectScenarios(load: string): Scenario[] {
  const aliases: Record<string, string[]> = { ns: ['ns-c64'], stream: ['stream-c64'], both: ['ns-c64', 'stream-c64'], all: scenarios.filter((scenario) => scenario.targets.includes('sluice')).map((scenario) => scenario.id) };
  const ids = load.split(',').flatMap((name) => aliases[name.trim()] ?? [name.trim()]);
  return ids.map((id) => {
    const scenario = scenarios.find((candidate) => candidate.id === id);
    if (scenario === undefined) throw new Error(`unknown scenario '${id}' (known: ${scenarios.map((candidate) => candidate.id).join(', ')}, or ns, stream, both, all)`);
    return scenario;
  });
}

/** Sluice started fresh under --cpu-prof for one scenario; the profile is written when it exits. */
async function profileScenario(scenario: Scenario, paths: BenchPaths, durationMs: number, top: number): Promise<string> {
  const profileDir = join(paths.runDir, `profile-${scenario.id}`);
  const target = await startTarget('sluice', paths, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  let summary: string;
  try {
    await setMock(target, { chunks: scenario.chunks, delayMs: scenario.delayMs, holdUntil: 0 });
    await measureScenario(target, scenario, paths, 1_000);
    const result = await measureScenario(target, scenario, paths, durationMs);
    const unit = scenario.clientStream ? 'stream' : 'request';
    summary = `${Math.round(result.rate)} ${unit}s/s, ${Math.round(result.cpuUsPerRequest ?? 0)} µs CPU per ${unit} (under --cpu-prof), ${result.errors} failed`;
  } finally {
    await stopTarget(target);
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  return `### ${scenario.title} [${scenario.id}]\n\n${summary}; profile: ${join(profileDir, file)}\n\n\`\`\`text\n${summarizeProfile(profile, top)}\n\`\`\`\n`;
}

async function main(): Promise<void> {
  checkMachine((line) => process.stderr.write(`${line}\n`));
  const selected = selectScenarios(argument('--load', 'both'));
  const durationMs = Number(argument('--duration', '10')) * 1000;
  const top = Number(argument('--top', '30'));
  const runDir = mkdtempSync(join(tmpdir(), 'sluice-profile-'));
  const paths: BenchPaths = { repoRoot, sluiceDir: resolve(argument('--sluice-dir', repoRoot)), runDir, node: process.execPath, portkey: undefined };
  // Markdown, one section per scenario, ready to keep in docs/benchmarks.md's notes.
  for (const scenario of selected) {
    process.stderr.write(`profiling ${scenario.id} for ${durationMs / 1000} s …\n`);
    process.stdout.write(`${await profileScenario(scenario, paths, durationMs, top)}\n`);
  }
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
