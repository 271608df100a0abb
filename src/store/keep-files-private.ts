// The SQLite file holds hashed client keys, API channels' secrets and captured exchanges: only the
// user Sluice runs as may read it. The file is created 0600 before SQLite opens it, in a folder
// created 0700; SQLite creates its -wal and -shm files with the database file's mode
// (https://www.sqlite.org/tempfiles.html), and any already there are brought to 0600 too.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const privateFileMode = 0o600;
export const privateFolderMode = 0o700;

const companionSuffixes = ['', '-wal', '-shm', '-journal'];

function codeOf(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

/** Creates the database file (and its folder) private; narrows an existing one's mode. */
export function keepDatabaseFilesPrivate(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: privateFolderMode });
  closeSync(openSync(path, 'a', privateFileMode));
  for (const suffix of companionSuffixes) {
    try {
      chmodSync(`${path}${suffix}`, privateFileMode);
    } catch (error) {
      // Absent companions are normal; a file owned by another user keeps its mode (SQLite still opens it).
      if (codeOf(error) !== 'ENOENT' && codeOf(error) !== 'EPERM') throw error;
    }
  }
}
