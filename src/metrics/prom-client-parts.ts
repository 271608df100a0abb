// The parts of prom-client Sluice uses, taken from its own files. Its index also loads the
// Pushgateway (node:https, with TLS), the cluster aggregator and Summary (tdigest, bintrees): ~1 MB
// of heap measured alone, for as long as the process runs (docs/benchmarks.md "Idle RSS, round five"). prom-client
// has no `exports` map, so these paths are its public layout; the package's own declarations type them.
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

const require = createRequire(import.meta.url);

export const Registry = require('prom-client/lib/registry.js') as typeof PromClient.Registry;
export type Registry = PromClient.Registry;
export const Counter = require('prom-client/lib/counter.js') as typeof PromClient.Counter;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export const Gauge = require('prom-client/lib/gauge.js') as typeof PromClient.Gauge;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export const Histogram = require('prom-client/lib/histogram.js') as typeof PromClient.Histogram;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
