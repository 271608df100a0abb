// Keeps the hidden classes ("maps") of Node's next-tick objects alive for the life of the process, so that
// `process.nextTick` stays on V8's fast path (docs/benchmarks.md, "Round twenty-one").
//
// Node 24 makes each tick object with an object literal (lib/internal/process/task_queues.js:
// `{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, [async_context_frame]: …, callback, args }`). V8 holds
// the transitions between a literal's maps weakly: a full garbage collection with no tick queued clears them,
// and the next tick builds new ones. After a few such collections the literal's property definitions have seen
// more maps than an inline cache keeps; they go megamorphic, and TurboFan compiles them as runtime calls for
// good (~0.3 µs a tick instead of ~0.06). Sluice's request-log rows bring regular full collections, and Node's
// streams make a dozen ticks a request.
//
// One object of the same shape, held here, keeps that chain of maps alive. Its fields hold strings, so every
// tick's values (numbers, functions, undefined, arrays) fit its maps and none is replaced. The keys are the tick
// object's own, read from one real tick through an async hook's `init`, enabled for that one tick. It runs before
// the rest of Sluice loads: maps made and lost before it count against the caches too. Should Node shape its
// ticks otherwise, nothing is held (or the held object is an unused one of five fields).
import { createHook } from 'node:async_hooks';

/** @type {object[]} */
const held = [];

/**
 * @returns {boolean} whether the shape of Node's tick objects is now held
 */
export function pinTickMaps() {
  // Once a process: one held object keeps the chain.
  if (held.length > 0) return true;
  /** @type {object | undefined} */
  let tick;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && tick === undefined) tick = /** @type {object} */ (resource);
    },
  }).enable();
  process.nextTick(() => undefined);
  hook.disable();
  if (tick === undefined) return false;
  const symbols = Object.getOwnPropertySymbols(tick);
  const [asyncId, triggerAsyncId, contextFrame] = symbols;
  if (symbols.length !== 3 || asyncId === undefined || triggerAsyncId === undefined || contextFrame === undefined || Object.keys(tick).join() !== 'callback,args') return false;
  // The literal's order: the three symbols, then callback and args.
  held.push({ [asyncId]: '', [triggerAsyncId]: '', [contextFrame]: '', callback: '', args: '' });
  return true;
}
