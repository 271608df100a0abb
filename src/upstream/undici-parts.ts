// The two parts of undici Sluice uses, Agent and request(), taken from undici's own files. Its index
// (`import … from 'undici'`) loads the whole package — fetch, WebSocket, EventSource, the caches,
// the mock agents: 110 files and ~1.3 MB of source, where these need 25 (with prom-client's index,
// ~2 MB of Sluice's heap at rest, for as long as the process runs: docs/benchmarks.md "Idle RSS,
// round five"). undici has no `exports` map, so these paths are its public layout; the package's
// own declarations type them.
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;

const requestThrough = require('undici/lib/api/api-request.js') as (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Undici.Dispatcher };
export type ResponseData = Undici.Dispatcher.ResponseData;

/** undici's request() through the dispatcher given (never the global one): the URL split into origin and path, as its index does. */
export function request(url: string, options: RequestOptions): Promise<ResponseData> {
  const { dispatcher, ...rest } = options;
  const target = new URL(url);
  return requestThrough.call(dispatcher, { ...rest, origin: target.origin, path: `${target.pathname}${target.search}` });
}
