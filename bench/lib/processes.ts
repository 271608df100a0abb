// Child processes pinned to a core with taskset (which execs, so the pid is the program's own),
// their output kept in a log file, readiness by polling a URL, and a stop that always ends them.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Pinned {
  name: string;
  pid: number;
  command: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  core: number;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

export function quote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export function spawnPinned(options: SpawnOptions): Pinned {
  const log = openSync(options.logFile, 'a');
  const args = ['-c', String(options.core), options.command, ...options.args];
  const child = spawn('taskset', args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', log, log] });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  return { name: options.name, pid: child.pid, command: ['taskset', ...args].map(quote).join(' '), child, logFile: options.logFile, exited };
}

export async function stopProcess(processHandle: Pinned, graceMs = 5_000): Promise<void> {
  if (processHandle.child.exitCode !== null || processHandle.child.signalCode !== null) return;
  processHandle.child.kill('SIGTERM');
  const ended = await Promise.race([processHandle.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!ended) {
    processHandle.child.kill('SIGKILL');
    await processHandle.exited;
  }
}

/** Polls until the URL answers with any HTTP status, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, processHandle: Pinned | undefined, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (processHandle !== undefined && processHandle.child.exitCode !== null) {
      throw new Error(`${processHandle.name} exited with code ${processHandle.child.exitCode} (see ${processHandle.logFile})`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/** A free TCP port on loopback (bound and released; the caller binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
