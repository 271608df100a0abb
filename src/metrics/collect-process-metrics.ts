// The process metrics (prom-client's default set, `sluice_` prefixed) without prom-client's
// `collectDefaultMetrics`: its CPU counters' file (lib/metrics/processCpuTotal.js) requires
// @opentelemetry/api at load, for exemplars Sluice does not use: 51 files and ~0.4 MB of heap held
// for as long as the process runs (docs/benchmarks.md "Idle RSS, round six"). The same three CPU
// counters are kept here, with prom-client's names, help texts and arithmetic; every other default
// metric is prom-client's own file, as `collectDefaultMetrics` (lib/defaultMetrics.js) calls them.
import { createRequire } from 'node:module';
import { Counter, type Registry } from './prom-client-parts.ts';

const require = createRequire(import.meta.url);

interface DefaultMetricConfig {
  prefix: string;
  eventLoopMonitoringPrecision: number;
}
type RegisterMetric = (registry: Registry, config: DefaultMetricConfig) => void;

/** prom-client's default metrics after the CPU counters, in lib/defaultMetrics.js's order. */
const otherDefaultMetrics = [
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
] as const;

/** process_cpu_{user,system}_seconds_total and process_cpu_seconds_total, as prom-client counts them. */
function registerCpuCounters(registry: Registry, prefix: string): void {
  let last = process.cpuUsage();
  const registers = [registry];
  const user: Counter = new Counter({
    name: `${prefix}process_cpu_user_seconds_total`,
    help: 'Total user CPU time spent in seconds.',
    registers,
    // This one counter's collect sets all three, as in prom-client.
    collect() {
      const now = process.cpuUsage();
      const userMicros = now.user - last.user;
      const systemMicros = now.system - last.system;
      last = now;
      user.inc(userMicros / 1e6);
      system.inc(systemMicros / 1e6);
      total.inc((userMicros + systemMicros) / 1e6);
    },
  });
  const system = new Counter({ name: `${prefix}process_cpu_system_seconds_total`, help: 'Total system CPU time spent in seconds.', registers });
  const total = new Counter({ name: `${prefix}process_cpu_seconds_total`, help: 'Total user and system CPU time spent in seconds.', registers });
}

/** Registers the process metrics in `registry`, each name starting with `prefix`. */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  registerCpuCounters(registry, prefix);
  // prom-client's own default: event loop lag sampled every 10 ms.
  const config: DefaultMetricConfig = { prefix, eventLoopMonitoringPrecision: 10 };
  for (const name of otherDefaultMetrics) (require(`prom-client/lib/metrics/${name}.js`) as RegisterMetric)(registry, config);
}
