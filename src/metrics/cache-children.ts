// The child of a labelled metric for each tuple of label values, made once and kept: a request then
// builds no label object per series. The label sets are few (labels come from configured names,
// relay/label-model.ts); bounded anyway: past `maxCachedLabelSets` tuples the cache starts over.
// prom-client 15's children still hash their label set on each inc/observe (lib/counter.js
// `labels()` binds `inc` to the labels), so this saves the allocations, not the hashing: prom-client
// is ~1% of Sluice's CPU per request (docs/benchmarks.md, "log off the event loop").

/** Label tuples kept per metric; more than a config yields, so the cache never refills in practice. */
export const maxCachedLabelSets = 4096;

export interface ChildCache<Child> {
  /** The child for these label values, in the metric's labelNames order. */
  get(...values: string[]): Child;
}

export function cacheChildren<Child>(makeChild: (...values: string[]) => Child, maxEntries = maxCachedLabelSets): ChildCache<Child> {
  const children = new Map<string, Child>();
  return {
    get(...values) {
      // \u0001 cannot occur in a label from config names, statuses or booleans.
      const key = values.join('\u0001');
      let child = children.get(key);
      if (child === undefined) {
        if (children.size >= maxEntries) children.clear();
        child = makeChild(...values);
        children.set(key, child);
      }
      return child;
    },
  };
}
