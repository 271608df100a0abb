// A named pipe (FIFO) for a logger to write to, read only when the test asks: until then the pipe
// (64 KiB on Linux) fills and the writer meets EAGAIN, as with a log reader that stalls. Both ends
// are non-blocking, so neither the test nor the logger's writes ever wait on it.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';

export interface StalledPipe {
  /** The write end, for `createLogger`'s `fd`: its destination closes it when the logger ends. */
  writer: number;
  /** Everything the pipe holds now. */
  readAvailable(): string;
  /** Ends `logger`'s output (closing the write end), then closes the read end and removes the pipe. */
  close(logger: Logger | undefined): Promise<void>;
}

export function openStalledPipe(): StalledPipe {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-pipe-'));
  const path = join(folder, 'stdout');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  const chunk = Buffer.alloc(65_536);
  return {
    writer,
    readAvailable() {
      let text = '';
      for (;;) {
        let read: number;
        try {
          read = readSync(reader, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return text;
          throw error;
        }
        if (read === 0) return text;
        text += chunk.toString('utf8', 0, read);
      }
    },
    async close(logger) {
      // pino's destination (src/server/batch-log-lines.ts LineBatch, then log-output.ts LogOutput) ends once its writes are done.
      if (logger !== undefined) (logger as unknown as Record<symbol, { end(): void } | undefined>)[pino.symbols.streamSym]?.end();
      await sleep(200);
      closeSync(reader);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
