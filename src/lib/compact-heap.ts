// One full, memory-reducing garbage collection when start-up is over (issue 13, idle RSS). Loading the
// modules and opening the services allocate quickly enough that V8 grows the young generation to its
// maximum (2 × 16 MiB of semi-spaces), and nothing at rest shrinks it again: V8's memory reducer acts
// only after a full collection, which an idle server never has (and bin/node-flags.js turns it off).
// Measured on the compiled server (docs/benchmarks.md "Memory, round three"): ~32 MB less resident
// memory at rest, for one pause of ~0.1–0.5 s taken before the server listens. Traffic grows the
// young generation again as it needs.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

interface GcOptions {
  type: 'major';
  execution: 'sync';
  /** 'last-resort': V8's CollectAllAvailableGarbage (repeated full collections, memory reducing). */
  flavor: 'last-resort';
}
type CollectGarbage = (options: GcOptions) => void;

/**
 * V8's `gc` without `--expose-gc` on the command line: the flag is set just long enough for a new
 * context to get the function, then set back, so no other context sees it (the way Jest's leak
 * detector takes it). A process started with `--expose-gc` has its own.
 */
function takeCollector(): CollectGarbage {
  const own: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as CollectGarbage;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as CollectGarbage;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** The young generation's reserved bytes (what compacting gives back, mostly). */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** Collects all garbage and shrinks the heap's spaces to what is live; synchronous (a pause). */
export function compactHeap(): void {
  takeCollector()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
