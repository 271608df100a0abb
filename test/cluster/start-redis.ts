// A real redis-server for the cluster tests: its own temp dir, a free loopback port, no persistence
// (`--save '' --appendonly no`, as docs/deploy.md recommends for Sluice), stopped by the test. When
// redis-server is not installed the tests fail with how to get it — never a silent skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../support/find-free-port.ts';

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown). */
  kill(): Promise<void>;
  /** SIGSTOP: a hung Redis that keeps its connections open. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const startWaitMs = 5000;
const stopWaitMs = 3000;

function requireRedisServer(): void {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error('redis-server is not installed (or not on PATH): the cluster tests need a real Redis. Install it with `apt-get install -y redis-server` (.ci/run does).');
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(200);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => { socket.destroy(); resolve(data.toString().startsWith('+PONG')); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server: ${what} within ${String(ms)} ms`);
}

export async function startRedis(): Promise<RedisServer> {
  requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  const port = await findFreePort();
  let child: ChildProcess | undefined;
  const output: string[] = [];
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (data: Buffer) => output.push(data.toString()));
    child.stderr?.on('data', (data: Buffer) => output.push(data.toString()));
    await waitFor(() => answersPing(port), startWaitMs, `did not answer PING on port ${String(port)}\n${output.join('')}`).catch((error: unknown) => {
      child?.kill('SIGKILL');
      throw error;
    });
  };
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => { resolve(); }));
    running.kill(signal);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, stopWaitMs))]);
    if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${String(port)}/0`,
    port,
    kill: () => end('SIGKILL'),
    pause: () => { child?.kill('SIGSTOP'); },
    resume: () => { child?.kill('SIGCONT'); },
    restart: launch,
    async stop() {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
