// The SQLite file Sluice opened, by device and inode. SQLite keeps writing into an open file after
// it was deleted (or its folder was, or a copy was moved over it): every write "succeeds" and is lost
// at the next start. Comparing the path's identity with the one opened catches that before a write.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreUnavailableError } from './store-errors.ts';

interface FileIdentity {
  dev: number;
  ino: number;
}

function readIdentity(path: string): FileIdentity | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? undefined : { dev: stats.dev, ino: stats.ino };
}

export interface SqliteFileGuard {
  /** Why the file at the path is no longer the one open, or undefined while it still is. */
  findChange(): string | undefined;
  /** Throws StoreUnavailableError when the file was deleted or replaced. */
  assertUnchanged(): void;
}

/** The error a write gets once the file open is no longer the one at the path. */
export function refuseLostWrites(change: string): StoreUnavailableError {
  return new StoreUnavailableError(`${change}: writes would be lost. Restore the file (or a backup) and restart Sluice.`);
}

/** Remembers the identity of `path` (and its folder) now, right after it was opened. */
export function guardSqliteFile(path: string): SqliteFileGuard {
  const file = resolve(path);
  const folder = dirname(file);
  const opened = { file: readIdentity(file), folder: readIdentity(folder) };
  const same = (now: FileIdentity | undefined, then: FileIdentity | undefined): boolean =>
    now !== undefined && then !== undefined && now.dev === then.dev && now.ino === then.ino;
  const findChange = (): string | undefined => {
    const now = readIdentity(file);
    if (now === undefined) return `the database file ${file} was deleted while Sluice ran`;
    if (!same(now, opened.file)) return `the database file ${file} was replaced while Sluice ran`;
    if (!same(readIdentity(folder), opened.folder)) return `the folder ${folder} was replaced while Sluice ran`;
    return undefined;
  };
  return {
    findChange,
    assertUnchanged() {
      const change = findChange();
      if (change !== undefined) throw refuseLostWrites(change);
    },
  };
}
