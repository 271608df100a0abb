// A server's CPU split by thread: the event loop, V8's background threads (concurrent and parallel garbage
// collection, concurrent compilation), worker threads (Sluice's request-log thread), libuv's pool (file
// writes, DNS) and the rest, read from /proc/<pid>/task/<tid>/stat before and after a run. The process's
// own total (bench/lib/proc.ts cpuSeconds) also counts threads that ended within the run; what the live
// threads do not account for is reported as `ended`. docs/benchmarks.md, "Where the server's CPU goes".
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSecondsOfStat } from './proc.ts';

export const threadGroups = ['event loop', 'V8 background', 'worker threads', 'libuv pool', 'other', 'ended'] as const;
export type ThreadGroup = (typeof threadGroups)[number];

export interface ThreadTime {
  name: string;
  seconds: number;
}

/**
 * The group of a thread by the name Node gives it (`comm`, at most 15 characters; perf reports it the same
 * way): the main thread is `MainThread` in Node 24 and `node` before.
 */
export function groupOfThreadName(name: string): Exclude<ThreadGroup, 'ended'> {
  if (name === 'MainThread' || name === 'node') return 'event loop';
  if (name.startsWith('V8Worker') || name.startsWith('V8 DefaultWorke')) return 'V8 background';
  if (name.startsWith('WorkerThread')) return 'worker threads';
  if (name.startsWith('libuv-worker')) return 'libuv pool';
  return 'other';
}

/** The group of thread `tid` of process `pid`: the thread whose id is the process's is the event loop whatever its name. */
export function groupOfThread(pid: number, tid: number, name: string): Exclude<ThreadGroup, 'ended'> {
  return tid === pid ? 'event loop' : groupOfThreadName(name);
}

/** User + system CPU seconds and the name of each live thread of a process, by thread id; empty once it has exited. */
export function readThreadTimes(pid: number): Map<number, ThreadTime> {
  const threads = new Map<number, ThreadTime>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      threads.set(Number(tid), { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: cpuSecondsOfStat(stat) });
    } catch {
      // The thread ended between the listing and the read: its time shows in `ended`.
    }
  }
  return threads;
}

/**
 * CPU seconds per group between two readings. A thread started in between counts from zero; what the
 * process's `totalSeconds` holds beyond the live threads' sum (threads that ended in between) is `ended`.
 */
export function splitThreadTime(pid: number, before: Map<number, ThreadTime>, after: Map<number, ThreadTime>, totalSeconds: number): Record<ThreadGroup, number> {
  const split = Object.fromEntries(threadGroups.map((group) => [group, 0])) as Record<ThreadGroup, number>;
  let counted = 0;
  for (const [tid, thread] of after) {
    const spent = Math.max(0, thread.seconds - (before.get(tid)?.seconds ?? 0));
    split[groupOfThread(pid, tid, thread.name)] += spent;
    counted += spent;
  }
  split.ended = Math.max(0, totalSeconds - counted);
  return split;
}
