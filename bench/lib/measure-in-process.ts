// In-process micro benchmarks (bench/micro-*.ts): trees of the code under test run in turn, their
// order alternated round by round (this machine's speed drifts), each round measured for CPU, bytes
// allocated, bytes promoted to the old generation and GC pause, per unit of work.
import { GCProfiler, getHeapStatistics } from 'node:v8';

export interface RoundFigures {
  cpu: number[];
  allocated: number[];
  promoted: number[];
  gcMs: number[];
}

const oldSpaces: ReadonlySet<string> = new Set(['old_space', 'large_object_space']);

/** Runs `run` for every tree, `rounds` times in alternated order; figures per unit (`units` a run). */
export async function measureAlternatedRounds<T extends { name: string }>(trees: readonly T[], rounds: number, units: number, run: (tree: T) => Promise<void>): Promise<Map<string, RoundFigures>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const results = new Map<string, RoundFigures>(trees.map((tree) => [tree.name, { cpu: [], allocated: [], promoted: [], gcMs: [] }]));
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      gc?.();
      const profiler = new GCProfiler();
      const usedBefore = getHeapStatistics().used_heap_size;
      profiler.start();
      const cpu = process.cpuUsage();
      await run(tree);
      const spent = process.cpuUsage(cpu);
      const stats = profiler.stop();
      const usedAfter = getHeapStatistics().used_heap_size;
      let freed = 0;
      let promoted = 0;
      let pause = 0;
      for (const collection of stats?.statistics ?? []) {
        freed += collection.beforeGC.heapStatistics.usedHeapSize - collection.afterGC.heapStatistics.usedHeapSize;
        pause += collection.cost;
        if (collection.gcType === 'Scavenge' || collection.gcType === 'MinorMarkSweep') {
          const old = (statistics: typeof collection.beforeGC): number => statistics.heapSpaceStatistics.filter((space) => oldSpaces.has(space.spaceName)).reduce((sum, space) => sum + space.spaceUsedSize, 0);
          promoted += Math.max(0, old(collection.afterGC) - old(collection.beforeGC));
        }
      }
      const result = results.get(tree.name);
      result?.cpu.push((spent.user + spent.system) / units);
      result?.allocated.push((usedAfter - usedBefore + freed) / units);
      result?.promoted.push(promoted / units);
      result?.gcMs.push(pause / 1000 / units);
    }
  }
  return results;
}

export function median(list: readonly number[]): number {
  return [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
}
