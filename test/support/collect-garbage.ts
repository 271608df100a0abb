// A full garbage collection from a test, without starting the test run with --expose-gc: the flag is
// set just long enough for a fresh context to hand over V8's `gc`, then cleared again.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const collectGarbage = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

/** The heap in use after two full collections (the second frees what the first's finalizers let go): live memory, not garbage. */
export function liveHeapBytes(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
