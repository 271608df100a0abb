// Before measuring: the tools are there (installing Debian's wrk when missing), this process sits on
// the generator core, and every target answers correctly — a stream through it arrives whole, in
// order, chunk by chunk (a paced stream shows whether a proxy buffers).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { measureClient } from './measure.ts';
import { requestBody } from './scenarios.ts';
import { benchModels, generatorCore, setMock, type Target } from './targets.ts';

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function checkMachine(log: (line: string) => void): void {
  if (process.platform !== 'linux') throw new Error('the benchmark reads /proc and pins cores with taskset: it runs on Linux only');
  if (cpus().length < 2) throw new Error('the benchmark needs at least 2 cores (server on core 1, load generator on core 0)');
  if (!hasCommand('taskset')) throw new Error('taskset is missing: install util-linux (apt-get install util-linux)');
  if (!hasCommand('wrk')) {
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) throw new Error("wrk is missing: install Debian's wrk with `sudo apt-get install wrk` and run again");
    log("wrk is missing: installing Debian's wrk with apt-get (apt-get update && apt-get install -y wrk) …");
    try {
      execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
    } catch {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
    }
    if (!hasCommand('wrk')) throw new Error('wrk could not be installed with apt-get');
  }
  execFileSync('taskset', ['-pc', String(generatorCore), String(process.pid)], { stdio: 'ignore' });
}

interface Check {
  name: string;
  settings: Record<string, unknown>;
  model: string;
  stream: boolean;
  wantsUsage?: boolean;
  chunks: number;
  pacedDelayMs?: number;
}

const checks: readonly Check[] = [
  { name: 'non-stream answer', settings: { chunks: 20, delayMs: 0 }, model: benchModels.plain, stream: false, chunks: 20 },
  { name: 'stream of 20 chunks', settings: { chunks: 20, delayMs: 0 }, model: benchModels.plain, stream: true, chunks: 20 },
  { name: 'paced stream (5 chunks, 60 ms apart, delivered as they come)', settings: { chunks: 5, delayMs: 60 }, model: benchModels.plain, stream: true, chunks: 5, pacedDelayMs: 60 },
];

const collectCheck: Check = { name: 'collect path', settings: { chunks: 20, delayMs: 0 }, model: benchModels.streamOnly, stream: false, chunks: 20 };

const sluiceChecks: readonly Check[] = [
  collectCheck,
  { name: 'replay path', settings: { chunks: 20, delayMs: 0 }, model: benchModels.noStream, stream: true, chunks: 20 },
  { name: 'stream_options stripping', settings: { chunks: 20, delayMs: 0 }, model: benchModels.strict, stream: true, wantsUsage: true, chunks: 20 },
];

/** Problems found with a target; empty when it relays correctly. */
export async function verifyTarget(target: Target, context: { node: string; repoRoot: string }): Promise<string[]> {
  const problems: string[] = [];
  let list = checks;
  if (target.name.startsWith('sluice')) list = [...checks, ...sluiceChecks];
  // The collecting bare proxy collects every request: the collect path is all it serves.
  else if (target.name === 'bare-collect') list = [collectCheck];
  for (const check of list) {
    await setMock(target, { holdUntil: 0, ...check.settings });
    const result = await measureClient(target, {
      ...context,
      body: requestBody({ model: check.model, clientStream: check.stream, ...(check.wantsUsage === true ? { clientWantsUsage: true } : {}) }),
      stream: check.stream,
      connections: 1,
      requests: 3,
      expectChunks: check.chunks,
      ...(check.wantsUsage === true ? { expectUsage: true } : {}),
      ...(check.pacedDelayMs === undefined ? {} : { pacedDelayMs: check.pacedDelayMs }),
      hardTimeoutMs: 20_000,
    });
    if (result.ok !== 3) problems.push(`${check.name}: ${result.ok}/3 correct (${result.errorDetail ?? 'no detail'})`);
    else if (check.pacedDelayMs !== undefined && (result.chunkDelayMs?.p50 ?? 0) > check.pacedDelayMs / 2) {
      // A proxy that buffers the stream delivers most chunks late; one slow first chunk is latency, not buffering.
      problems.push(`${check.name}: chunks are buffered, not streamed (chunk delay p50 ${result.chunkDelayMs?.p50.toFixed(1) ?? '?'} ms)`);
    }
  }
  return problems;
}
