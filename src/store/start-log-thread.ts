// The main thread's side of the request-log thread (write-log-rows-thread.ts): write(rows) posts a
// batch and resolves (or rejects with the store's own error) when the thread has committed it; the
// log writer's queue, batching and drop counting stay in log-writer.ts. Started at start-up, closed at
// shutdown after the log writer's last flush; the thread keeps the process alive only while a batch
// is in flight.
import { once } from 'node:events';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogThreadReply, LogThreadRequest, LogThreadSettings } from './log-thread-messages.ts';
import { flattenLogRows, fromSentError } from './log-thread-messages.ts';
import type { RequestLogRow } from './ports.ts';
import { refuseLostWrites } from './sqlite-file-identity.ts';
import { StoreUnavailableError } from './store-errors.ts';

export interface LogThread {
  write(rows: RequestLogRow[]): Promise<void>;
  /** Closes the thread's connection and ends the thread; later writes fail. */
  close(): Promise<void>;
}

export interface LogThreadOptions extends LogThreadSettings {
  /** Why the file open on the main thread is no longer the one at the path (sqlite-file-identity.ts). */
  findFileChange?: () => string | undefined;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

// The thread's file is this one's sibling in the same form: write-log-rows-thread.js beside the
// compiled server in dist/ (so neither thread loads type stripping), .ts when run from src/.
const threadFile = new URL(`./write-log-rows-thread${extname(import.meta.url)}`, import.meta.url);

export function startLogThread(options: LogThreadOptions): LogThread {
  const settings: LogThreadSettings = { path: options.path, readOnly: options.readOnly };
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stopped: Error | undefined;
  const worker = new Worker(threadFile, { workerData: settings });
  worker.unref();

  const failAll = (error: Error): void => {
    stopped ??= error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: LogThreadReply) => {
    if ('kind' in reply) return;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.error === undefined) waiting?.resolve();
    else waiting?.reject(fromSentError(reply.error));
  });
  worker.on('error', (error: unknown) => {
    const said = error instanceof Error ? error.message : String(error);
    failAll(new StoreUnavailableError(`the request log thread failed: ${said}`, { cause: error }));
  });
  worker.on('exit', (code) => {
    failAll(new StoreUnavailableError(`the request log thread stopped (exit code ${String(code)})`));
  });

  return {
    write(rows) {
      if (stopped !== undefined) return Promise.reject(stopped);
      const change = options.findFileChange?.();
      if (change !== undefined) return Promise.reject(refuseLostWrites(change));
      const id = nextId++;
      const written = new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
      });
      worker.ref();
      worker.postMessage({ kind: 'write', id, values: flattenLogRows(rows) } satisfies LogThreadRequest);
      return written;
    },

    async close() {
      if (stopped !== undefined) return;
      worker.ref();
      const exited = once(worker, 'exit');
      worker.postMessage({ kind: 'close' } satisfies LogThreadRequest);
      await exited;
    },
  };
}
