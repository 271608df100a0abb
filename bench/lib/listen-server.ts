// A bench server's listen and close, shared by the bare proxy and the bare relay: loopback, a deep
// backlog, keep-alive longer than any load's, and a close that drops the load's idle connections.
import type { Server } from 'node:http';

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface CloseSteps {
  /** Before the connections are ended (the mock lets go of the requests it holds). */
  before?: () => void;
  /** Once the server has closed (an agent, a log thread). */
  after?: () => Promise<void>;
}

/** Listens on `port` (0: any free one); `close` runs `before`, ends every connection and the server, then `after`. */
export function listenServer(server: Server, options: { port?: number; host?: string }, steps: CloseSteps = {}): Promise<ListeningServer> {
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${String(port)}`,
        port,
        close: async () => {
          steps.before?.();
          server.closeAllConnections();
          await new Promise<void>((done) => {
            server.close(() => {
              done();
            });
          });
          await steps.after?.();
        },
      });
    });
  });
}
