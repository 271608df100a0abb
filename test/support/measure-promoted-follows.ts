// Run by src/server/follow-shutdown.test.ts in a child with --expose-gc: bytes the old generation grows
// by per request that enters and leaves a long-lived shutdown follower (as every relayed request does),
// read across young-generation collections. Usage: node --expose-gc measure-promoted-follows.ts <cycles> [--set]
// (`--set`: the same through a Set, what the follower kept before; the test's contrast).
import { getHeapSpaceStatistics } from 'node:v8';
import { followShutdown } from '../../src/server/follow-shutdown.ts';

declare const gc: (options?: { type: 'major' | 'minor' }) => void;

function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'old_space' || space.space_name === 'large_object_space') used += space.space_used_size;
  return used;
}

const cycles = Number(process.argv[2] ?? '20000');
const throughSet = process.argv.includes('--set');
const follower = followShutdown(new AbortController().signal);
const set = new Set<AbortController>();
const relays = Array.from({ length: 16 }, () => new AbortController());
// Two collections move the follower, the set and the relays to the old generation, as in a server that has run a while.
gc({ type: 'major' });
gc({ type: 'minor' });
gc({ type: 'minor' });
const before = oldGenerationUsed();
for (let cycle = 0; cycle < cycles; cycle += 1) {
  const relay = relays[cycle % relays.length]!;
  if (throughSet) {
    set.add(relay);
    set.delete(relay);
  } else {
    follower.leave(follower.enter(relay));
  }
}
gc({ type: 'minor' });
gc({ type: 'minor' });
console.log(JSON.stringify({ promotedPerCycle: (oldGenerationUsed() - before) / cycles }));
