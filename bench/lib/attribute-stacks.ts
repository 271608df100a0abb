// Who asked for the event loop's time: each sample of a call-stack recording (`perf record -g`, read back
// with `perf script -F ip,sym`) charged to the nearest JavaScript function on its stack, so that V8's
// builtins, its runtime, JSON, the inline caches and the kernel's work under a system call count for the JS
// function that called them. `perf report --no-children` (bench/lib/perf-kinds.ts) says what kind of work a
// sample was; this says whose. Used by bench/perf-split.ts `--attribute N`; docs/benchmarks.md "Round
// twenty-one".
import { jitPackages, packageOfJitFrame } from './perf-kinds.ts';

/** The packages a JS frame can belong to, and stacks with none, in the order a report lists them. */
export const stackOwners = [...jitPackages, 'no JS frame'] as const;
export type StackOwner = (typeof stackOwners)[number];

/** The package a JIT frame's name belongs to (perf-kinds.ts); undefined when the frame is not a JS function's. */
export function ownerOfFrame(symbol: string): StackOwner | undefined {
  return symbol.startsWith('JS:') ? packageOfJitFrame(symbol) : undefined;
}

/** `JS:*'send file:///srv/sluice/dist/upstream/upstream-client.js:69:12+0x1f` → `JS:*'send dist/upstream/upstream-client.js:69:12`. */
export function shortenFrame(symbol: string): string {
  return symbol.replace(/\+0x[0-9a-f]+$/, '').replace(/(file:\/\/)?\S*\/(dist|bench|node_modules)\//, '$2/');
}

export interface StackAttribution {
  samples: number;
  /** Samples charged to each package. */
  owners: Record<StackOwner, number>;
  /** Samples charged to each JS function (shortened), and `no JS frame` for stacks without one. */
  functions: Map<string, number>;
}

/**
 * The samples of `perf script -F ip,sym` output: blocks separated by blank lines, one frame a line, leaf
 * first (`\t    eca Builtin:KeyedLoadIC_Megamorphic`). Each block is charged to its first JS frame.
 */
export function attributeStacks(script: string): StackAttribution {
  const owners = Object.fromEntries(stackOwners.map((owner) => [owner, 0])) as Record<StackOwner, number>;
  const functions = new Map<string, number>();
  let samples = 0;
  let inBlock = false;
  let charged = false;
  const charge = (owner: StackOwner, name: string): void => {
    owners[owner] += 1;
    functions.set(name, (functions.get(name) ?? 0) + 1);
  };
  const endBlock = (): void => {
    if (inBlock && !charged) charge('no JS frame', 'no JS frame');
    inBlock = false;
    charged = false;
  };
  for (const line of script.split('\n')) {
    const frame = /^\s+[0-9a-f]+\s+(.+)$/.exec(line);
    if (frame === null) {
      endBlock();
      continue;
    }
    if (!inBlock) {
      inBlock = true;
      samples += 1;
    }
    if (charged) continue;
    const symbol = (frame[1] ?? '').trim();
    const owner = ownerOfFrame(symbol);
    if (owner === undefined) continue;
    charge(owner, shortenFrame(symbol));
    charged = true;
  }
  endBlock();
  return { samples, owners, functions };
}
