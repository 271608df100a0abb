// The budgets of issue 7, computed from the ratios and differences within one run.
import { metric, totalErrors, type Budget, type RunResults } from './results.ts';

const GiB = 1024 ** 3;

function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(3)} ms` : 'n/a';
}

function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

function verdict(value: number, pass: (value: number) => boolean): boolean | undefined {
  return Number.isFinite(value) ? pass(value) : undefined;
}

export function computeBudgets(results: RunResults): Budget[] {
  const budgets: Budget[] = [];
  const sluiceP50 = metric(results, 'ns-c1', 'sluice', (m) => m.latencyP50Ms).median;
  const directP50 = metric(results, 'ns-c1', 'direct', (m) => m.latencyP50Ms).median;
  const sluiceP99 = metric(results, 'ns-c1', 'sluice', (m) => m.latencyP99Ms).median;
  const directP99 = metric(results, 'ns-c1', 'direct', (m) => m.latencyP99Ms).median;
  const addedP50 = sluiceP50 - directP50;
  const addedP99 = sluiceP99 - directP99;
  budgets.push({ name: 'Added latency vs direct, non-stream, concurrency 1, p50', limit: '≤ 0.3 ms', measured: `${ms(addedP50)} (${ms(sluiceP50)} vs ${ms(directP50)})`, pass: verdict(addedP50, (v) => v <= 0.3) });
  budgets.push({ name: 'Added latency vs direct, non-stream, concurrency 1, p99', limit: '≤ 1 ms', measured: `${ms(addedP99)} (${ms(sluiceP99)} vs ${ms(directP99)})`, pass: verdict(addedP99, (v) => v <= 1) });

  const rate = (target: 'sluice' | 'bare' | 'portkey' | 'sluice-nolog', scenario = 'ns-c64'): number => metric(results, scenario, target, (m) => m.rate).median;
  const throughputRatio = rate('sluice') / rate('bare');
  const portkeyNote = Number.isFinite(rate('portkey')) ? `; ${times(rate('sluice') / rate('portkey'))} Portkey` : '';
  budgets.push({
    name: 'Non-stream throughput at concurrency 64 vs the bare proxy',
    limit: '≥ 0.8×',
    measured: `${times(throughputRatio)} (${Math.round(rate('sluice'))} vs ${Math.round(rate('bare'))} req/s${portkeyNote})`,
    pass: verdict(throughputRatio, (v) => v >= 0.8),
  });

  const ttfbSluice = metric(results, 'stream-paced-c16', 'sluice', (m) => m.ttfbP50Ms).median;
  const ttfbDirect = metric(results, 'stream-paced-c16', 'direct', (m) => m.ttfbP50Ms).median;
  const ttfbAdded = ttfbSluice - ttfbDirect;
  budgets.push({ name: 'Stream time to first byte added, p50 (paced streams, concurrency 16)', limit: '≤ 1 ms', measured: `${ms(ttfbAdded)} (${ms(ttfbSluice)} vs ${ms(ttfbDirect)})`, pass: verdict(ttfbAdded, (v) => v <= 1) });

  const heldBack = metric(results, 'stream-paced-c16', 'sluice', (m) => m.heldBack).values.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
  const delayP99 = metric(results, 'stream-paced-c16', 'sluice', (m) => m.chunkDelayMs?.p99).median;
  const directDelayP99 = metric(results, 'stream-paced-c16', 'direct', (m) => m.chunkDelayMs?.p99).median;
  const pacedRuns = metric(results, 'stream-paced-c16', 'sluice', (m) => m.requests).values.length;
  budgets.push({
    name: 'No chunk held back (paced upstream: each chunk reaches the client before the next is sent)',
    limit: '0 chunks later than half a pause',
    measured: `${heldBack} held back; chunk delay p99 ${ms(delayP99)} (direct ${ms(directDelayP99)})`,
    pass: pacedRuns === 0 ? undefined : heldBack === 0,
  });

  const slow = results.slowStreams?.rows.find((row) => row.target === 'sluice');
  const streams = results.slowStreams?.scenario.streams ?? 0;
  const slowMeasurement = slow?.measurement;
  if (slowMeasurement?.rssPeakBytes !== undefined && slowMeasurement.rssBeforeBytes !== undefined) {
    const perStream = (slowMeasurement.rssPeakBytes - slowMeasurement.rssBeforeBytes) / streams;
    budgets.push({ name: `Memory per held stream (${streams} concurrent slow streams)`, limit: '≤ 50 KB', measured: `${(perStream / 1000).toFixed(1)} KB (RSS ${(slowMeasurement.rssBeforeBytes / 1024 ** 2).toFixed(0)} → ${(slowMeasurement.rssPeakBytes / 1024 ** 2).toFixed(0)} MiB)`, pass: perStream <= 50 * 1000 });
    const complete = slowMeasurement.ok === streams && (slowMeasurement.lostChunks ?? 0) === 0 && slowMeasurement.errors === 0;
    budgets.push({
      name: `${streams} concurrent streams complete, no chunk lost, RSS ≤ 1 GiB`,
      limit: `${streams} complete, 0 lost, ≤ 1 GiB`,
      measured: `${slowMeasurement.ok} complete, ${slowMeasurement.lostChunks ?? 0} chunks lost, ${slowMeasurement.errors} failed, peak RSS ${(slowMeasurement.rssPeakBytes / 1024 ** 2).toFixed(0)} MiB`,
      pass: complete && slowMeasurement.rssPeakBytes <= GiB,
    });
  } else {
    budgets.push({ name: 'Memory per held stream / concurrent streams complete', limit: '≤ 50 KB; all complete, RSS ≤ 1 GiB', measured: slow?.error ?? 'not measured', pass: undefined });
  }

  const cpu = (scenario: string, target: 'sluice' | 'bare'): number => metric(results, scenario, target, (m) => m.cpuUsPerRequest).median;
  const cpuRequestRatio = cpu('ns-c64', 'sluice') / cpu('ns-c64', 'bare');
  budgets.push({
    name: 'Server CPU per non-stream request vs the bare proxy (concurrency 64)',
    limit: '≤ 1.3×',
    measured: `${times(cpuRequestRatio)} (${cpu('ns-c64', 'sluice').toFixed(0)} vs ${cpu('ns-c64', 'bare').toFixed(0)} µs)`,
    pass: verdict(cpuRequestRatio, (v) => v <= 1.3),
  });
  const cpuStreamRatio = cpu('stream-c64', 'sluice') / cpu('stream-c64', 'bare');
  budgets.push({
    name: 'Server CPU per stream vs the bare proxy (20 chunks, concurrency 64)',
    limit: '≤ 1.4×',
    measured: `${times(cpuStreamRatio)} (${cpu('stream-c64', 'sluice').toFixed(0)} vs ${cpu('stream-c64', 'bare').toFixed(0)} µs)`,
    pass: verdict(cpuStreamRatio, (v) => v <= 1.4),
  });

  const logCost = 1 - rate('sluice') / rate('sluice-nolog');
  budgets.push({
    name: 'Cost of the request log (non-stream throughput at concurrency 64, log on vs LOG_LEVEL=silent; metrics have no switch and stay on)',
    limit: '≤ 5 %',
    measured: `${(logCost * 100).toFixed(1)} % (${Math.round(rate('sluice'))} vs ${Math.round(rate('sluice-nolog'))} req/s)`,
    pass: verdict(logCost, (v) => v <= 0.05),
  });

  const failures = results.scenarios
    .flatMap((entry) => entry.rows.filter((row) => row.target === 'sluice').map((row) => ({ id: entry.scenario.id, errors: totalErrors(row.reps) })))
    .filter((entry) => entry.errors > 0);
  budgets.push({
    name: 'Every Sluice request and stream complete in every scenario (status 200, all chunks in order, [DONE])',
    limit: '0 failures',
    measured: failures.length === 0 ? '0 failures' : failures.map((entry) => `${entry.id}: ${entry.errors}`).join(', '),
    pass: failures.length === 0,
  });
  return budgets;
}
