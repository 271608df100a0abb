// The bench's split of a server's CPU by thread (bench/lib/thread-cpu.ts) and its table in the report:
// Node's thread names sorted into groups, a real worker thread's time read from /proc, and what ended
// threads leave behind counted as such.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../bench/lib/measure.ts';
import { consoleReport, markdownReport } from '../../bench/lib/report.ts';
import type { RunResults } from '../../bench/lib/results.ts';
import { scenarios } from '../../bench/lib/scenarios.ts';
import { groupOfThread, groupOfThreadName, readThreadTimes, splitThreadTime, type ThreadGroup, type ThreadTime } from '../../bench/lib/thread-cpu.ts';

describe('groupOfThread', () => {
  it('sorts the threads Node starts by the names it gives them', () => {
    expect(groupOfThreadName('MainThread')).toBe('event loop');
    expect(groupOfThreadName('V8Worker')).toBe('V8 background');
    expect(groupOfThreadName('WorkerThread')).toBe('worker threads');
    expect(groupOfThreadName('libuv-worker')).toBe('libuv pool');
    expect(groupOfThreadName('SignalInspector')).toBe('other');
  });

  it('takes the thread whose id is the process id for the event loop, whatever it is called', () => {
    expect(groupOfThread(100, 100, 'sluice')).toBe('event loop');
    expect(groupOfThread(100, 101, 'sluice')).toBe('other');
    expect(groupOfThread(100, 102, 'V8Worker')).toBe('V8 background');
  });
});

describe('splitThreadTime', () => {
  const times = (entries: [number, string, number][]): Map<number, ThreadTime> => new Map(entries.map(([tid, name, seconds]) => [tid, { name, seconds }]));

  it('counts each live thread from its first reading (a new one from zero) and the rest of the total as ended', () => {
    const before = times([[7, 'MainThread', 1.0], [8, 'V8Worker', 0.2], [9, 'WorkerThread', 0.5]]);
    const after = times([[7, 'MainThread', 1.6], [8, 'V8Worker', 0.3], [10, 'WorkerThread', 0.05]]);
    const split = splitThreadTime(7, before, after, 0.9);
    expect(split['event loop']).toBeCloseTo(0.6);
    expect(split['V8 background']).toBeCloseTo(0.1);
    expect(split['worker threads']).toBeCloseTo(0.05);
    expect(split.ended).toBeCloseTo(0.15);
    expect(split['libuv pool']).toBe(0);
  });

  it('never reports a negative share when the per-thread ticks round above the total', () => {
    const split = splitThreadTime(7, times([[7, 'MainThread', 0]]), times([[7, 'MainThread', 0.02]]), 0.01);
    expect(split.ended).toBe(0);
  });
});

describe('readThreadTimes', () => {
  it('reads a busy worker thread of this process as worker-thread time', async () => {
    const before = readThreadTimes(process.pid);
    expect([...before.keys()]).toContain(process.pid);
    // A worker that spins for 150 ms of its own CPU, then reports back; it stays alive until terminated.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const start = process.threadCpuUsage();
       while (true) { const now = process.threadCpuUsage(); if (now.user + now.system - start.user - start.system >= 150000) break; }
       parentPort.postMessage('done');
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => {
          resolve();
        });
        worker.once('error', reject);
      });
      const after = readThreadTimes(process.pid);
      const split = splitThreadTime(process.pid, before, after, 10);
      expect(split['worker threads']).toBeGreaterThanOrEqual(0.12);
      expect(split['worker threads']).toBeLessThan(5);
    } finally {
      await worker.terminate();
    }
  });

  it('reads nothing of a process that is gone', () => {
    expect(readThreadTimes(2 ** 22 + 12_345).size).toBe(0);
  });
});

describe('the report', () => {
  const measured = (fields: Partial<Measurement>): Measurement => ({ requests: 100, ok: 100, errors: 0, rate: 1000, latencyP50Ms: 1, latencyP99Ms: 2, serverCoreBusy: 1, generatorCoreBusy: 1, otherLoad: 0, elapsedMs: 1000, ...fields });
  const byThread = (loop: number, v8: number, log: number): Record<ThreadGroup, number> => ({ 'event loop': loop, 'V8 background': v8, 'worker threads': log, 'libuv pool': 0, other: 0, ended: 0 });
  const scenario = scenarios.find((candidate) => candidate.id === 'ns-c64');
  if (scenario === undefined) throw new Error('no ns-c64 scenario');
  const results: RunResults = {
    date: '2026-12-03T00:00:00Z',
    quick: true,
    durationSeconds: 1,
    machine: { cpuModel: 'x', cores: 2, memoryGiB: 1, kernel: 'k', node: 'v24', os: 'linux', wrk: 'wrk', openFilesLimit: 20_000 },
    settings: { reps: 3, durationMs: 1000, warmupMs: 1000, slowStreams: 0 },
    sluice: { dir: '.', commit: 'abc', dirtyFiles: 0, features: undefined, config: '' },
    portkey: { skipped: 'not selected' },
    targets: ['direct', 'bare', 'sluice'],
    commands: {},
    scenarios: [
      {
        scenario,
        rows: [
          { target: 'direct', reps: [measured({})], mockRejected: 0 },
          { target: 'bare', reps: [measured({ cpuUsPerRequest: 86, cpuUsByThread: byThread(78, 8, 0) })], mockRejected: 0 },
          {
            target: 'sluice',
            reps: [
              measured({ cpuUsPerRequest: 190, cpuUsByThread: byThread(160, 22, 7) }),
              measured({ cpuUsPerRequest: 180, cpuUsByThread: byThread(155, 16, 6) }),
              measured({ cpuUsPerRequest: 200, cpuUsByThread: byThread(170, 15, 8) }),
            ],
            mockRejected: 0,
          },
        ],
      },
    ],
    slowStreams: undefined,
    budgets: [],
    notes: [],
  };

  it('has a row per target with a server process, each group the median of its repetitions', () => {
    const markdown = markdownReport(results, undefined);
    expect(markdown).toContain('### Where the server\'s CPU goes');
    expect(markdown).toContain('| scenario | target | all threads | event loop | V8 background | worker threads | libuv pool | other | ended |');
    expect(markdown).toContain('| ns-c64 | Sluice | 190 | 160 | 16 | 7 | 0 | 0 | 0 |');
    expect(markdown).toMatch(/\| ns-c64 \| bare Node proxy[^|]*\| 86 \| 78 \| 8 \| 0 \|/);
    expect(markdown).not.toMatch(/\| ns-c64 \| direct/);
    expect(consoleReport(results)).toContain('[threads]');
  });

  it('leaves the section out for a run saved before the split existed', () => {
    const older: RunResults = { ...results, scenarios: results.scenarios.map((entry) => ({ ...entry, rows: entry.rows.map((row) => ({ ...row, reps: row.reps.map(({ cpuUsByThread: _dropped, ...rest }) => rest) })) })) };
    expect(markdownReport(older, undefined)).not.toContain('Where the server\'s CPU goes');
  });
});
