// A value built the first time it is asked for, then kept: for what only some requests need (a
// route's request schema), so a gateway whose clients never call that route never holds it
// (docs/benchmarks.md "Idle RSS, round six").

/** Returns a function giving `build()`'s result, built on the first call and the same one after. */
export function buildOnce<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
