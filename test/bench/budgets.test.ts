// Issue 13's budgets as the benchmark's verdicts: ratios to the bare proxy in the same run, the added
// latencies against direct, memory at rest and per held stream, the adaptation paths against the plain
// ones, and a machine's open-files limit reported as such rather than as a pass.
import { describe, expect, it } from 'vitest';
import { computeBudgets } from '../../bench/lib/budgets.ts';
import type { Measurement } from '../../bench/lib/measure.ts';
import type { RunResults, ScenarioResult } from '../../bench/lib/results.ts';
import { scenarios } from '../../bench/lib/scenarios.ts';
import { planSlowStreams } from '../../bench/lib/slow-streams.ts';
import type { TargetName } from '../../bench/lib/targets.ts';

function measured(fields: Partial<Measurement>): Measurement {
  return { requests: 100, ok: 100, errors: 0, rate: 1000, latencyP50Ms: 1, latencyP99Ms: 2, serverCoreBusy: 1, generatorCoreBusy: 1, otherLoad: 0, elapsedMs: 1000, ...fields };
}

function scenario(id: string, rows: Partial<Record<TargetName, Partial<Measurement>>>): ScenarioResult {
  const found = scenarios.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no scenario ${id}`);
  return { scenario: found, rows: Object.entries(rows).map(([target, fields]) => ({ target: target as TargetName, reps: [measured(fields)], mockRejected: 0 })) };
}

interface Knobs {
  nsCpu: number;
  streamRate: number;
  p99: number;
  ttfb: number;
  collectCpu: number;
  idleRss: number;
  heldStreams: number;
  heldOk: number;
  note?: string;
  /** The bare proxy's own p99 at c=1 and first byte (direct: 0.3 and 0.5 ms). */
  bareP99?: number;
  bareTtfb?: number;
  /** Chunks held back in the paced scenario by Sluice and by the bare proxy (0 unless set). */
  heldBack?: number;
  bareHeldBack?: number;
  /** The collecting bare proxy's CPU per collected request (absent: not measured). */
  bareCollectCpu?: number;
}

function run(knobs: Knobs): RunResults {
  const streams = knobs.heldStreams;
  return {
    date: '2026-12-01T00:00:00Z',
    quick: true,
    durationSeconds: 1,
    machine: { cpuModel: 'x', cores: 2, memoryGiB: 1, kernel: 'k', node: 'v24', os: 'linux', wrk: 'wrk', openFilesLimit: 20_000 },
    settings: { reps: 1, durationMs: 1000, warmupMs: 1000, slowStreams: streams, ...(knobs.note === undefined ? {} : { slowStreamsNote: knobs.note }) },
    sluice: { dir: '.', commit: 'abc', dirtyFiles: 0, features: undefined, config: '' },
    portkey: { skipped: 'not selected' },
    targets: ['direct', 'bare', 'sluice'],
    commands: {},
    scenarios: [
      scenario('ns-c1', { direct: { latencyP99Ms: 0.3 }, bare: { latencyP99Ms: knobs.bareP99 ?? 0.8 }, sluice: { latencyP99Ms: knobs.p99 } }),
      scenario('ns-c64', { bare: { cpuUsPerRequest: 100, rate: 10_000 }, sluice: { cpuUsPerRequest: knobs.nsCpu, rate: 6_000 } }),
      scenario('stream-c64', { bare: { cpuUsPerRequest: 400, rate: 1_000 }, sluice: { cpuUsPerRequest: 440, rate: knobs.streamRate } }),
      scenario('stream-paced-r100', { direct: { ttfbP50Ms: 0.5, heldBack: 0 }, bare: { ttfbP50Ms: knobs.bareTtfb ?? 0.7, heldBack: knobs.bareHeldBack ?? 0 }, sluice: { ttfbP50Ms: knobs.ttfb, heldBack: knobs.heldBack ?? 0 } }),
      scenario('collect-c64', { sluice: { cpuUsPerRequest: knobs.collectCpu }, ...(knobs.bareCollectCpu === undefined ? {} : { 'bare-collect': { cpuUsPerRequest: knobs.bareCollectCpu } }) }),
      scenario('replay-c64', { sluice: { cpuUsPerRequest: 400 } }),
    ],
    idle: [{ target: 'sluice', rssBytes: knobs.idleRss, rssSamples: [knobs.idleRss], fds: 29, settleMs: 1000 }],
    slowStreams: {
      scenario: { id: 'slow-streams', title: 'slow', streams, chunks: 5, delayMs: 500, maxConnecting: 200, targets: ['sluice'] },
      rows: [{ target: 'sluice', mockMaxHeld: streams, measurement: measured({ ok: knobs.heldOk, rssBeforeBytes: 100e6, rssPeakBytes: 100e6 + streams * 30_000, lostChunks: 0 }) }],
    },
    budgets: [],
    notes: [],
  };
}

const passing: Knobs = { nsCpu: 190, streamRate: 960, p99: 1.2, ttfb: 0.8, collectCpu: 240, idleRss: 99e6, heldStreams: 10_000, heldOk: 10_000 };

function verdicts(knobs: Knobs): Record<string, boolean | string | undefined> {
  return Object.fromEntries(computeBudgets(run(knobs)).map((budget) => [budget.name.split(' (')[0]!.split(',')[0]!, budget.pass ?? budget.kind]));
}

describe("issue 13's budgets", () => {
  it('pass when every figure is within the limits of the issue', () => {
    const budgets = computeBudgets(run(passing));
    expect(budgets.filter((budget) => budget.pass !== true && budget.kind !== 'info').map((budget) => budget.name)).toEqual([]);
    expect(budgets.length).toBe(14);
    // The collect path beside the plain stream path, which reads the same upstream chunks: information, no verdict.
    const sameReads = budgets.find((budget) => budget.name.startsWith('Collect path vs the plain stream path'));
    expect(sameReads).toMatchObject({ kind: 'info', pass: undefined });
    expect(sameReads?.measured).toMatch(/^\d+\.\d+× \(\d+ vs \d+ µs\); bare proxy \d+\.\d+× /);
  });

  it('fail each limit just past it: 2.0× CPU, 0.95× streams/s, +1 ms p99, +0.4 ms first byte, 1.3× collect, 100 MB at rest', () => {
    expect(verdicts({ ...passing, nsCpu: 201 })['Server CPU per non-stream request']).toBe(false);
    expect(verdicts({ ...passing, streamRate: 940 })['Streams per second']).toBe(false);
    expect(verdicts({ ...passing, p99: 1.4 })['Added latency vs direct']).toBe(false);
    expect(verdicts({ ...passing, ttfb: 0.95 })['First-byte latency added vs direct']).toBe(false);
    expect(verdicts({ ...passing, collectCpu: 261 })['Collect path']).toBe(false);
    expect(verdicts({ ...passing, idleRss: 101e6 })['Idle RSS of the server process']).toBe(false);
  });

  it('judges memory at rest by the settled read, with the read soon after the request beside it', () => {
    const results = run({ ...passing, idleRss: 99e6 });
    results.idle = [{ target: 'sluice', rssBytes: 99e6, rssSamples: [99e6], fds: 29, settleMs: 15_000, early: { settleMs: 3_000, rssBytes: 103e6 } }];
    const rest = computeBudgets(results).find((budget) => budget.name.startsWith('Idle RSS'));
    expect(rest).toMatchObject({ pass: true });
    expect(rest?.measured).toBe('99.0 MB 15 s after the request (bare proxy n/a); 103.0 MB 3 s after it (bare n/a)');
  });

  it('calls an added-latency budget the machine\'s limit only when the bare proxy misses it too, naming Sluice\'s share over it', () => {
    // The bare proxy adds 0.5 ms p99 and 0.2 ms first byte: within the limits, so Sluice's misses are its own.
    expect(verdicts({ ...passing, p99: 3 })['Added latency vs direct']).toBe(false);
    // The bare proxy adds 2.7 ms p99 and 0.6 ms first byte: no Node gateway meets 1 ms / 0.4 ms here.
    const slowMachine = computeBudgets(run({ ...passing, p99: 4, ttfb: 1.4, bareP99: 3, bareTtfb: 1.1 }));
    const p99 = slowMachine.find((budget) => budget.name.startsWith('Added latency vs direct'));
    expect(p99).toMatchObject({ pass: undefined, kind: 'machine limit' });
    expect(p99?.measured).toContain("Sluice's own share over the bare proxy 1.000 ms");
    const firstByte = slowMachine.find((budget) => budget.name.startsWith('First-byte latency added'));
    expect(firstByte).toMatchObject({ pass: undefined, kind: 'machine limit' });
    expect(firstByte?.measured).toContain("Sluice's own share over the bare proxy 0.300 ms");
    // Within the limit is a pass whatever the floor did.
    expect(verdicts({ ...passing, bareP99: 3 })['Added latency vs direct']).toBe(true);
  });

  it('calls chunks held back the machine\'s limit only when the bare proxy held some back too, with both counts', () => {
    expect(verdicts({ ...passing, heldBack: 5 })['No chunk held back']).toBe(false);
    const stalled = computeBudgets(run({ ...passing, heldBack: 173, bareHeldBack: 102 })).find((budget) => budget.name.startsWith('No chunk held back'));
    expect(stalled).toMatchObject({ pass: undefined, kind: 'machine limit' });
    expect(stalled?.measured).toContain('bare proxy 102 held back');
    expect(stalled?.measured).toContain("Sluice's own share over the bare proxy 71 chunks");
    expect(verdicts({ ...passing, bareHeldBack: 3 })['No chunk held back']).toBe(true);
  });

  it('calls the collect budget a limit only when the collecting bare proxy misses it against its own plain request, naming Sluice\'s share', () => {
    // The floor collects at 1.2× its plain request (100 µs): Sluice's 2.6× is its own miss.
    const own = computeBudgets(run({ ...passing, collectCpu: 520, bareCollectCpu: 120 })).find((budget) => budget.name.startsWith('Collect path (client'));
    expect(own).toMatchObject({ pass: false });
    expect(own?.measured).toContain('the bare proxy collecting 1.20× (120 vs 100 µs)');
    // The floor collects at 3.5×: no gateway that reads the upstream's chunks meets 1.3×.
    const floor = computeBudgets(run({ ...passing, collectCpu: 450, bareCollectCpu: 350 })).find((budget) => budget.name.startsWith('Collect path (client'));
    expect(floor).toMatchObject({ pass: undefined, kind: 'machine limit' });
    expect(floor?.measured).toContain('Sluice 1.29× of the floor\'s collect, 1.90× of its plain request');
    expect(floor?.measured).toContain("Sluice's own share over the floor 100 µs (plain request: 90 µs)");
    // Within the limit is a pass whatever the floor did; without the floor, the verdict is the plain one.
    expect(verdicts({ ...passing, bareCollectCpu: 350 })['Collect path']).toBe(true);
    expect(verdicts({ ...passing, collectCpu: 261 })['Collect path']).toBe(false);
  });

  it('says the machine limited the held streams when fewer fit under the open-files limit, and fails when any was lost', () => {
    const plan = planSlowStreams(10_000, { soft: 20_000, hard: 20_000, canRaise: false }, 29);
    expect(plan.streams).toBe(9_930);
    expect(plan.note).toContain('20,000');
    const capped = { ...passing, heldStreams: plan.streams, heldOk: plan.streams, note: plan.note! };
    expect(verdicts(capped)['10']).toBe('machine limit');
    expect(verdicts({ ...capped, heldOk: plan.streams - 1 })['10']).toBe(false);
    expect(planSlowStreams(10_000, { soft: 65_536, hard: 65_536, canRaise: false }, 29)).toEqual({ streams: 10_000 });
  });
});
