// Values built when first asked for, not when a module loads: kept for good once built (a route's
// request schema: a gateway whose clients never call the route never holds it), or only while in
// use (the config schemas, garbage after a parse). docs/benchmarks.md "Idle RSS, round six".

/** Returns a function giving `build()`'s result, built on the first call and the same one after. */
export function buildOnce<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/**
 * Returns a function giving `build()`'s result, the same one while anything still holds it (or the
 * garbage collector has not yet run) and a new one after: for what is needed in bursts (the config
 * schemas, for a parse or a reload of many entries) but should not stay at rest.
 */
export function reuseUntilCollected<T extends object>(build: () => T): () => T {
  let held: WeakRef<T> | undefined;
  return () => {
    const value = held?.deref();
    if (value !== undefined) return value;
    const built = build();
    held = new WeakRef(built);
    return built;
  };
}
