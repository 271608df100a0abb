// Sluice as separate processes (`node src/main.ts --config …`, as `sluice` runs it from source) on
// loopback, for the cluster tests that need real processes: N instances of their own, or one
// `workers: N` primary with its workers. Each gets a config file in a temp dir and a free port; the
// start resolves once /healthz answers, the stop sends SIGTERM and waits (bounded), then SIGKILLs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { findFreePort } from '../support/find-free-port.ts';
export { findFreePort };

const repoRoot = join(import.meta.dirname, '..', '..');
const startWaitMs = 60_000;
const stopWaitMs = 10_000;

/**
 * Every process spawned here, killed when the test process exits: a hook that times out while
 * processes start would otherwise leave them running with no one to stop them.
 */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
});

export interface SluiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null: ended by a signal). */
  exited: Promise<number | null>;
  /** stdout and stderr so far. */
  output(): string;
  client(apiKey: string): OpenAI;
  /** SIGTERM, then SIGKILL if it has not exited within the stop wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Node's own options for the process, and environment variables on top of the test's. */
export interface SpawnExtras {
  nodeArgs?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** A file descriptor for the process's stdout instead of a pipe read into output(). */
  stdout?: number;
}

/** Spawns `node [nodeArgs] src/main.ts --config <yaml in a temp file> --port <free> [...args]`; does not wait for it to listen. */
export async function spawnSluice(yaml: string, args: readonly string[] = [], logLevel = 'warn', extras: SpawnExtras = {}): Promise<SluiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-process-'));
  const file = join(dir, 'sluice.yaml');
  writeFileSync(file, yaml);
  const port = await findFreePort();
  // LOG_LEVEL warn by default: the lines about Redis and dead workers, not one per request. No SLUICE_REDIS_URL from outside.
  const { SLUICE_REDIS_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [...(extras.nodeArgs ?? []), join(repoRoot, 'src', 'main.ts'), '--config', file, '--port', String(port), '--host', '127.0.0.1', ...args], {
    cwd: dir,
    env: { ...env, LOG_LEVEL: logLevel, ...extras.env },
    stdio: ['pipe', extras.stdout ?? 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
  spawned.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    spawned.delete(child);
    resolve(code);
  }));
  void exited.then(() => { rmSync(dir, { recursive: true, force: true }); });
  const url = `http://127.0.0.1:${String(port)}`;
  return {
    url,
    port,
    child,
    exited,
    output: () => output,
    client: (apiKey) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 15_000 }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(stopWaitMs).then(() => 'late' as const)]);
      if (code !== 'late') return code;
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Resolves once /healthz answers; throws with the process's output if it exits first or takes too long. */
export async function waitUntilServing(sluice: SluiceProcess, ms = startWaitMs): Promise<void> {
  const deadline = Date.now() + ms;
  let exitCode: number | null | undefined;
  void sluice.exited.then((code) => { exitCode = code; });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`Sluice exited (${String(exitCode)}) before serving:\n${sluice.output()}`);
    if (await fetch(`${sluice.url}/healthz`).then((response) => response.ok, () => false)) return;
    await sleep(50);
  }
  throw new Error(`Sluice did not answer /healthz within ${String(ms)} ms:\n${sluice.output()}`);
}

/** Starts and waits for one process. */
export async function startSluiceProcess(yaml: string, args: readonly string[] = []): Promise<SluiceProcess> {
  const sluice = await spawnSluice(yaml, args);
  try {
    await waitUntilServing(sluice);
  } catch (error) {
    await sluice.stop();
    throw error;
  }
  return sluice;
}

/**
 * `count` processes of one config: the first alone (it writes the file's keys into the empty
 * store), then the rest at once (they find the keys there).
 */
export async function startProcesses(yaml: string, count: number): Promise<SluiceProcess[]> {
  const first = await startSluiceProcess(yaml);
  const rest = await Promise.allSettled(Array.from({ length: count - 1 }, () => startSluiceProcess(yaml)));
  const started = [first, ...rest.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))];
  const failed = rest.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(started.map((sluice) => sluice.stop()));
    throw failed.reason;
  }
  return started;
}

export interface Tally {
  admitted: number;
  limited: number;
  /** Tokens the admitted requests used, as their answers report. */
  usedTokens: number;
}

/** `total` requests at once, round-robin over `clients`; counts 200s and 429s (anything else fails the test). */
export async function sendSpread(clients: readonly OpenAI[], total: number, body: OpenAI.ChatCompletionCreateParamsNonStreaming): Promise<Tally> {
  const tally: Tally = { admitted: 0, limited: 0, usedTokens: 0 };
  await Promise.all(
    Array.from({ length: total }, async (_, index) => {
      try {
        const completion = await (clients[index % clients.length] as OpenAI).chat.completions.create(body);
        tally.admitted += 1;
        tally.usedTokens += completion.usage?.total_tokens ?? 0;
      } catch (error) {
        if (error instanceof OpenAI.APIError && error.status === 429) tally.limited += 1;
        else throw error;
      }
    }),
  );
  return tally;
}

/** GET `path` with a bearer key over a connection of its own (no keep-alive: node:cluster hands out connections, not requests). */
export function getOnNewConnection(url: string, path: string, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}${path}`, { agent: false, headers: { authorization: `Bearer ${key}`, connection: 'close' }, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, body }); });
      response.on('error', reject);
    });
    outgoing.on('timeout', () => { outgoing.destroy(new Error(`GET ${path}: no answer within 10 s`)); });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
