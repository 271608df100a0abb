// The budgets of issue 13 ("Performance, round two"), computed from ratios and differences within one
// run: Sluice against the bare node:http + undici proxy (and the client talking to the mock directly for
// added latency), never against numbers from another run or another machine.
import { metric, totalErrors, type Budget, type RunResults } from './results.ts';
import type { Scenario } from './scenarios.ts';
import type { TargetName } from './targets.ts';

/** Issue 13's table, as data: each limit in one place. */
export const budgetLimits = {
  nonStreamCpuRatio: 2.0,
  nonStreamRateRatio: 0.5,
  addedP99AtC1Ms: 1.0,
  streamCpuRatio: 1.2,
  streamRateRatio: 0.95,
  firstByteAddedP50Ms: 0.4,
  bytesPerHeldStream: 40_000,
  heldStreams: 10_000,
  idleRssBytes: 100_000_000,
  adaptationCpuRatio: 1.3,
} as const;

function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(3)} ms` : 'n/a';
}

function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

function verdict(value: number, pass: (value: number) => boolean): boolean | undefined {
  return Number.isFinite(value) ? pass(value) : undefined;
}

function median(results: RunResults, scenario: string, target: TargetName, pick: Parameters<typeof metric>[3]): number {
  return metric(results, scenario, target, pick).median;
}

/** Sluice against the bare proxy at concurrency 64: CPU per request and rate, non-stream and stream. */
function throughputBudgets(results: RunResults): Budget[] {
  const cpu = (scenario: string, target: TargetName): number => median(results, scenario, target, (m) => m.cpuUsPerRequest);
  const rate = (scenario: string, target: TargetName): number => median(results, scenario, target, (m) => m.rate);
  const portkey = (scenario: string, value: (target: TargetName) => number, unit: string): string => {
    const figure = value('portkey');
    return Number.isFinite(figure) ? `; Portkey ${whole(figure)} ${unit}, ${times(value('sluice') / figure)} of it` : '';
  };
  const budgets: Budget[] = [];
  for (const [scenario, kind, cpuLimit, rateLimit, unit] of [
    ['ns-c64', 'non-stream request', budgetLimits.nonStreamCpuRatio, budgetLimits.nonStreamRateRatio, 'req/s'],
    ['stream-c64', '20-chunk stream', budgetLimits.streamCpuRatio, budgetLimits.streamRateRatio, 'streams/s'],
  ] as const) {
    const cpuRatio = cpu(scenario, 'sluice') / cpu(scenario, 'bare');
    budgets.push({
      name: `Server CPU per ${kind}, concurrency 64, vs the bare proxy`,
      limit: `≤ ${cpuLimit.toFixed(1)}×`,
      measured: `${times(cpuRatio)} (${whole(cpu(scenario, 'sluice'))} vs ${whole(cpu(scenario, 'bare'))} µs${portkey(scenario, (target) => cpu(scenario, target), 'µs')})`,
      pass: verdict(cpuRatio, (v) => v <= cpuLimit),
    });
    const rateRatio = rate(scenario, 'sluice') / rate(scenario, 'bare');
    budgets.push({
      name: `${unit === 'req/s' ? 'Non-stream requests' : 'Streams'} per second, concurrency 64, vs the bare proxy`,
      limit: `≥ ${rateLimit}×`,
      measured: `${times(rateRatio)} (${whole(rate(scenario, 'sluice'))} vs ${whole(rate(scenario, 'bare'))} ${unit}${portkey(scenario, (target) => rate(scenario, target), unit)})`,
      pass: verdict(rateRatio, (v) => v >= rateLimit),
    });
  }
  return budgets;
}

/**
 * A budget that the bare proxy, the floor for any Node gateway, misses itself in the same run cannot be
 * reached on this machine by Sluice either: reported as the machine's limit, with `why` (the floor's
 * miss and Sluice's own share over it), rather than as Sluice's failure. Sluice within the limit still passes.
 */
function floorAware(budget: Budget, floorMisses: boolean, why: string): Budget {
  if (budget.pass !== false || !floorMisses) return budget;
  return { ...budget, measured: `${budget.measured}; ${why}`, pass: undefined, kind: 'machine limit' };
}

/** An added latency the bare proxy adds past the limit too. */
function latencyFloorAware(budget: Budget, added: number, addedByFloor: number, limit: number): Budget {
  return floorAware(budget, addedByFloor > limit, `the bare proxy misses the limit itself, so no Node gateway meets it on this machine: Sluice's own share over the bare proxy ${ms(added - addedByFloor)}`);
}

/** Latency Sluice adds over the client talking to the mock directly (the bare proxy's own addition shown beside it). */
function latencyBudgets(results: RunResults): Budget[] {
  const at = (scenario: string, target: TargetName, pick: Parameters<typeof metric>[3]): number => median(results, scenario, target, pick);
  const p99 = (target: TargetName): number => at('ns-c1', target, (m) => m.latencyP99Ms);
  const p50 = (target: TargetName): number => at('ns-c1', target, (m) => m.latencyP50Ms);
  const addedP99 = p99('sluice') - p99('direct');
  const paced = 'stream-paced-r100';
  const ttfb = (target: TargetName): number => at(paced, target, (m) => m.ttfbP50Ms);
  const addedTtfb = ttfb('sluice') - ttfb('direct');
  const lag = at(paced, 'sluice', (m) => m.scheduleLagMs);
  const addedByBare = { p99: p99('bare') - p99('direct'), ttfb: ttfb('bare') - ttfb('direct') };
  const budgets: Budget[] = [
    latencyFloorAware(
      {
        name: 'Added latency vs direct, non-stream, concurrency 1, p99',
        limit: `≤ ${budgetLimits.addedP99AtC1Ms.toFixed(1)} ms`,
        measured: `${ms(addedP99)} (${ms(p99('sluice'))} vs ${ms(p99('direct'))}; p50 added ${ms(p50('sluice') - p50('direct'))}; bare proxy p99 added ${ms(addedByBare.p99)})`,
        pass: verdict(addedP99, (v) => v <= budgetLimits.addedP99AtC1Ms),
      },
      addedP99,
      addedByBare.p99,
      budgetLimits.addedP99AtC1Ms,
    ),
    latencyFloorAware(
      {
        name: 'First-byte latency added vs direct, paced streams at 100 streams/s (open loop), p50',
        limit: `≤ ${budgetLimits.firstByteAddedP50Ms} ms`,
        measured: `${ms(addedTtfb)} (${ms(ttfb('sluice'))} vs ${ms(ttfb('direct'))}; bare proxy added ${ms(addedByBare.ttfb)}${Number.isFinite(lag) ? `; client schedule lag ≤ ${ms(lag)}` : ''})`,
        pass: verdict(addedTtfb, (v) => v <= budgetLimits.firstByteAddedP50Ms),
      },
      addedTtfb,
      addedByBare.ttfb,
      budgetLimits.firstByteAddedP50Ms,
    ),
  ];
  budgets.push(heldBackBudget(results));
  return budgets;
}

/**
 * No chunk held back in the paced scenario. A chunk is held back by a stall of the server's core of half
 * a pause (25 ms); when the bare proxy, which does nothing but pipe, is held back too in the same run,
 * the stalls are the machine's (other processes on the core, docs/benchmarks.md "Paced streams, round
 * eight"), so it is reported as the machine's limit like the latency budgets, with both counts.
 */
function heldBackBudget(results: RunResults): Budget {
  const paced = 'stream-paced-r100';
  const at = (target: TargetName, pick: Parameters<typeof metric>[3]): number => median(results, paced, target, pick);
  const total = (target: TargetName): number => metric(results, paced, target, (m) => m.heldBack).values.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
  const pacedRuns = metric(results, paced, 'sluice', (m) => m.requests).values.length;
  const bareRuns = metric(results, paced, 'bare', (m) => m.requests).values.length;
  const heldBack = total('sluice');
  const byBare = total('bare');
  const budget: Budget = {
    name: 'No chunk held back (paced upstream: each chunk reaches the client before the next is sent)',
    limit: '0 chunks later than half a pause',
    measured: `${heldBack} held back; chunk delay p99 ${ms(at('sluice', (m) => m.chunkDelayMs?.p99))} (direct ${ms(at('direct', (m) => m.chunkDelayMs?.p99))}${bareRuns === 0 ? '' : `; bare proxy ${byBare} held back, chunk delay p99 ${ms(at('bare', (m) => m.chunkDelayMs?.p99))}`})`,
    pass: pacedRuns === 0 ? undefined : heldBack === 0,
  };
  return floorAware(budget, bareRuns > 0 && byBare > 0, `the bare proxy holds chunks back itself, so no Node gateway meets it on this machine: Sluice's own share over the bare proxy ${heldBack - byBare} chunks`);
}

/** Memory: per held stream, how many streams one process holds, and the process at rest. */
function memoryBudgets(results: RunResults): Budget[] {
  const budgets: Budget[] = [];
  const streams = results.slowStreams?.scenario.streams ?? 0;
  const slow = results.slowStreams?.rows.find((row) => row.target === 'sluice');
  const held = slow?.measurement;
  if (held?.rssPeakBytes !== undefined && held.rssBeforeBytes !== undefined && streams > 0) {
    const perStream = (held.rssPeakBytes - held.rssBeforeBytes) / streams;
    // Memory per stream means something only when every stream was held to the end.
    const complete = held.ok === streams && (held.lostChunks ?? 0) === 0 && held.errors === 0;
    const bare = results.slowStreams?.rows.find((row) => row.target === 'bare')?.measurement;
    const barePerStream = bare?.rssPeakBytes !== undefined && bare.rssBeforeBytes !== undefined ? (bare.rssPeakBytes - bare.rssBeforeBytes) / streams : Number.NaN;
    budgets.push({
      name: `Memory per held stream (${whole(streams)} concurrent slow streams)`,
      limit: `≤ ${budgetLimits.bytesPerHeldStream / 1000} KB`,
      measured: `${(perStream / 1000).toFixed(1)} KB (RSS ${(held.rssBeforeBytes / 1024 ** 2).toFixed(0)} → ${(held.rssPeakBytes / 1024 ** 2).toFixed(0)} MiB; bare proxy ${Number.isFinite(barePerStream) ? `${(barePerStream / 1000).toFixed(1)} KB` : 'n/a'})${complete ? '' : `; only ${whole(held.ok)} of ${whole(streams)} streams completed, so this is no measurement`}`,
      pass: complete && perStream <= budgetLimits.bytesPerHeldStream,
    });
    const outcome = `${whole(held.ok)} of ${whole(streams)} complete, ${held.lostChunks ?? 0} chunks lost, ${held.errors} failed${held.fdsPeak === undefined ? '' : `, peak ${whole(held.fdsPeak)} open files in the Sluice process`}`;
    const capped = streams < budgetLimits.heldStreams;
    budgets.push({
      name: `${whole(budgetLimits.heldStreams)} concurrent streams held, all complete, no chunk lost`,
      limit: `${whole(budgetLimits.heldStreams)} held, 0 lost`,
      measured: !capped ? outcome : results.settings.slowStreamsNote === undefined ? `${outcome}; ${whole(streams)} were asked for` : `${outcome}; only ${whole(streams)} fit: ${results.settings.slowStreamsNote}`,
      // Fewer streams than the budget's, for want of file descriptors, is a fact about this machine, not a pass.
      pass: complete ? (capped ? undefined : true) : false,
      ...(complete && capped && results.settings.slowStreamsNote !== undefined ? { kind: 'machine limit' as const } : {}),
    });
  } else {
    budgets.push({ name: 'Memory per held stream / concurrent streams held', limit: `≤ ${budgetLimits.bytesPerHeldStream / 1000} KB; ${whole(budgetLimits.heldStreams)} held`, measured: slow?.error ?? 'not measured', pass: undefined });
  }
  const rest = results.idle?.find((row) => row.target === 'sluice');
  const bareRest = results.idle?.find((row) => row.target === 'bare');
  budgets.push({
    name: 'Idle RSS of the server process (after start and one request, no traffic)',
    limit: `≤ ${budgetLimits.idleRssBytes / 1e6} MB`,
    measured: rest === undefined ? 'not measured' : `${(rest.rssBytes / 1e6).toFixed(1)} MB ${(rest.settleMs / 1000).toFixed(0)} s after the request (bare proxy ${bareRest === undefined ? 'n/a' : `${(bareRest.rssBytes / 1e6).toFixed(1)} MB`})${rest.early === undefined ? '' : `; ${(rest.early.rssBytes / 1e6).toFixed(1)} MB ${(rest.early.settleMs / 1000).toFixed(0)} s after it (bare ${bareRest?.early === undefined ? 'n/a' : `${(bareRest.early.rssBytes / 1e6).toFixed(1)} MB`})`}`,
    pass: rest === undefined ? undefined : rest.rssBytes <= budgetLimits.idleRssBytes,
  });
  return budgets;
}

/**
 * The collect budget beside its floor: the bare proxy collecting (bench/bare-collect.ts: the upstream's
 * chunks read, each event parsed, one answer written, nothing else) against the bare proxy's plain
 * non-stream request. When the floor's own ratio is past the limit, no Node gateway that reads the
 * upstream's chunks meets it, and the budget is reported as that limit with Sluice's share over the floor.
 * `sluice` and `sluicePlain`: Sluice's CPU per request on the collect path and the plain one, as the budget has them.
 */
function collectFloorAware(budget: Budget, results: RunResults, collect: Scenario, plainId: string, sluice: number, sluicePlain: number): Budget {
  const cpu = (scenario: string, target: TargetName): number => median(results, scenario, target, (m) => m.cpuUsPerRequest);
  const floor = cpu(collect.id, 'bare-collect');
  const floorPlain = cpu(plainId, 'bare');
  const floorRatio = floor / floorPlain;
  if (!Number.isFinite(floorRatio)) return budget;
  const floorFigures = `the bare proxy collecting ${times(floorRatio)} (${whole(floor)} vs ${whole(floorPlain)} µs); Sluice ${times(sluice / floor)} of the floor's collect, ${times(sluicePlain / floorPlain)} of its plain request`;
  const shown = { ...budget, measured: `${budget.measured}; ${floorFigures}` };
  return floorAware(
    shown,
    floorRatio > budgetLimits.adaptationCpuRatio,
    `the floor misses the limit itself (it reads the upstream's ${collect.chunks} chunks where the plain request reads one body), so no Node gateway meets it on this machine: Sluice's own share over the floor ${whole(sluice - floor)} µs (plain request: ${whole(sluicePlain - floorPlain)} µs)`,
  );
}

/** The collect and replay adaptations against Sluice's own plain path at the same concurrency. */
function adaptationBudgets(results: RunResults): Budget[] {
  const budgets: Budget[] = [];
  for (const [prefix, plainPrefix, what] of [
    ['collect-c', 'ns-c', 'Collect path (client non-stream, model stream-only) CPU per request vs the plain non-stream path'],
    ['replay-c', 'stream-c', 'Replay path (client streams, model refuses stream) CPU per stream vs the plain stream path'],
  ] as const) {
    const entry = results.scenarios.find((candidate) => candidate.scenario.id.startsWith(prefix));
    const plainId = entry === undefined ? undefined : `${plainPrefix}${entry.scenario.connections}`;
    const adapted = entry === undefined ? Number.NaN : median(results, entry.scenario.id, 'sluice', (m) => m.cpuUsPerRequest);
    const plain = plainId === undefined ? Number.NaN : median(results, plainId, 'sluice', (m) => m.cpuUsPerRequest);
    const ratio = adapted / plain;
    const budget: Budget = {
      name: `${what} (Sluice, concurrency ${entry?.scenario.connections ?? 64})`,
      limit: `≤ ${budgetLimits.adaptationCpuRatio}×`,
      measured: `${times(ratio)} (${whole(adapted)} vs ${whole(plain)} µs)`,
      pass: verdict(ratio, (v) => v <= budgetLimits.adaptationCpuRatio),
    };
    budgets.push(entry === undefined || plainId === undefined || prefix !== 'collect-c' ? budget : collectFloorAware(budget, results, entry.scenario, plainId, adapted, plain));
  }
  // The collect path reads the upstream's 20 chunks; the plain non-stream path reads one body. What
  // 20 reads cost a proxy that parses nothing is the bare proxy's stream against its non-stream
  // request, and the plain stream path reads the same chunks as the collect path.
  const collect = results.scenarios.find((candidate) => candidate.scenario.id.startsWith('collect-c'));
  if (collect !== undefined) {
    const connections = collect.scenario.connections;
    const adapted = median(results, collect.scenario.id, 'sluice', (m) => m.cpuUsPerRequest);
    const plainStream = median(results, `stream-c${connections}`, 'sluice', (m) => m.cpuUsPerRequest);
    const bareStream = median(results, `stream-c${connections}`, 'bare', (m) => m.cpuUsPerRequest);
    const bareRequest = median(results, `ns-c${connections}`, 'bare', (m) => m.cpuUsPerRequest);
    budgets.push({
      name: `Collect path vs the plain stream path, which reads the same 20 upstream chunks (Sluice, concurrency ${connections}); the bare proxy's 20-chunk stream vs its non-stream request`,
      limit: 'no budget in issue 13',
      measured: `${times(adapted / plainStream)} (${whole(adapted)} vs ${whole(plainStream)} µs); bare proxy ${times(bareStream / bareRequest)} (${whole(bareStream)} vs ${whole(bareRequest)} µs)`,
      pass: undefined,
      kind: 'info',
    });
  }
  return budgets;
}

export function computeBudgets(results: RunResults): Budget[] {
  const budgets = [...throughputBudgets(results), ...latencyBudgets(results), ...memoryBudgets(results), ...adaptationBudgets(results)];

  const failures = results.scenarios
    .flatMap((entry) => entry.rows.filter((row) => row.target === 'sluice').map((row) => ({ id: entry.scenario.id, errors: totalErrors(row.reps) })))
    .filter((entry) => entry.errors > 0);
  budgets.push({
    name: 'Every Sluice request and stream complete in every scenario (status 200, all chunks in order, [DONE])',
    limit: '0 failures',
    measured: failures.length === 0 ? '0 failures' : failures.map((entry) => `${entry.id}: ${entry.errors}`).join(', '),
    pass: failures.length === 0,
  });

  const withLog = median(results, 'ns-c64', 'sluice', (m) => m.rate);
  const withoutLog = median(results, 'ns-c64', 'sluice-nolog', (m) => m.rate);
  if (Number.isFinite(withoutLog)) {
    budgets.push({
      name: 'Cost of the request log lines (non-stream req/s at concurrency 64, LOG_LEVEL=info vs silent; store rows and metrics stay on)',
      limit: 'no budget in issue 13',
      measured: `${((1 - withLog / withoutLog) * 100).toFixed(1)} % (${whole(withLog)} vs ${whole(withoutLog)} req/s)`,
      pass: undefined,
      kind: 'info',
    });
  }
  return budgets;
}
