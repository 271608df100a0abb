// A loopback port free right now, for a process the test spawns with `--port` (it cannot be handed
// port 0 and report back). Another process could take it before the child binds: tests use it only
// for children they start at once.
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

export async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
