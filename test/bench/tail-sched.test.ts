// bench/tail-sched.ts: a probe report's request cycles laid over `perf sched timehist`, each thread's time on each
// core within a cycle.
import { describe, expect, it } from 'vitest';
import { occupy, readCycles, readTimehist } from '../../bench/tail-sched.ts';

// The header and rows as `perf sched timehist` prints them (linux-perf 6.x): run time is the last column, in ms,
// ending at the row's time (s). Server pid 500: its event loop 500, its log thread 510, a V8 worker 505.
const timehist = `           time    cpu  task name                       wait time  sch delay   run time
                        [tid/pid]                          (msec)     (msec)     (msec)
--------------- ------  ------------------------------  ---------  ---------  ---------
      10.001000 [0001]  MainThread[500]                     0.000      0.000      0.500
      10.001300 [0000]  MainThread[700]                     0.000      0.000      1.300
      10.002000 [0001]  <idle>                              0.000      0.000      1.000
      10.003000 [0001]  WorkerThread[510/500]               0.000      0.000      1.000
      10.003500 [0001]  MainThread[500]                     0.000      0.900      0.500
      10.003600 [0001]  V8Worker[505/500]                   0.000      0.000      0.100
      10.004000 [0000]  <idle>                              0.000      0.000      2.700
`;

describe('tail-sched', () => {
  it('reads the runs on each core, with the server threads named apart from other processes', () => {
    const byCore = readTimehist(timehist, '500');
    expect([...byCore.keys()].sort()).toEqual(['[0000]', '[0001]']);
    expect(byCore.get('[0001]')!.map((run) => run.thread)).toEqual(['server:main', 'idle', 'server:WorkerThread', 'server:main', 'server:V8Worker']);
    expect(byCore.get('[0000]')!.map((run) => run.thread)).toEqual(['MainThread', 'idle']);
    const first = byCore.get('[0001]')![0]!;
    expect(first.start).toBeCloseTo(10_000.5, 6);
    expect(first.end).toBeCloseTo(10_001, 6);
  });

  it('charges each thread the part of its runs inside a window', () => {
    const runs = readTimehist(timehist, '500').get('[0001]')!;
    const held = occupy(runs, 10_001.5, 10_003.5);
    expect(held.get('idle')).toBeCloseTo(0.5, 6);
    expect(held.get('server:WorkerThread')).toBeCloseTo(1, 6);
    expect(held.get('server:main')).toBeCloseTo(0.5, 6);
    expect(held.has('server:V8Worker')).toBe(false);
  });

  it('turns a report into cycles on the monotonic clock, inside the record, slowest last', () => {
    // performance.now() 0 was CLOCK_MONOTONIC 10,000 ms: finishes at 10,000.2, 10,001, 10,003.5 and 10,009 (outside).
    const report = { starts: [0, 0.6, 2.5, 8.5], durations: [0.2, 0.4, 1, 0.5], gcs: [], monotonicOffsetMs: 10_000 };
    const cycles = readCycles(report, 10_000, 10_004);
    expect(cycles.map((cycle) => [cycle.start, cycle.end])).toEqual([
      [10_000.2, 10_001],
      [10_001, 10_003.5],
    ]);
  });
});
