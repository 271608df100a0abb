// The child of a labelled metric for each tuple of label values, made once and kept: a request then
// builds no label object per series. The label sets are few (labels come from configured names,
// relay/label-model.ts); bounded anyway: past `maxCachedLabelSets` tuples the cache starts over.
// prom-client 15's own children hash their label set on each inc/observe (lib/counter.js `labels()`
// binds `inc` to the labels); the children cached here are bind-children.ts's, which do not. The
// lookup walks one Map per label instead of joining the values into a key (issue 13: the join was
// half the cost).

/** Label tuples kept per metric; more than a config yields, so the cache never refills in practice. */
export const maxCachedLabelSets = 4096;

export interface ChildCache<Child> {
  /** The child for these label values, in the metric's labelNames order. */
  get(...values: string[]): Child;
}

/** A trie of label values: one Map per label, the child at the last one; no key string built per call. One arity per cache. */
type Level<Child> = Map<string, Level<Child> | Child>;

/** The level that holds the last value's child, made on the way when missing. */
function levelOf<Child>(root: Level<Child>, values: readonly string[]): Level<Child> {
  let level = root;
  for (let index = 0; index < values.length - 1; index += 1) {
    const value = values[index] as string;
    let next = level.get(value) as Level<Child> | undefined;
    if (next === undefined) {
      next = new Map();
      level.set(value, next);
    }
    level = next;
  }
  return level;
}

export function cacheChildren<Child>(makeChild: (...values: string[]) => Child, maxEntries = maxCachedLabelSets): ChildCache<Child> {
  let root: Level<Child> = new Map();
  let size = 0;
  return {
    get(...values) {
      // No label at all (a metric without labels): the empty text stands for the tuple.
      const leaf = values.at(-1) ?? '';
      let level = levelOf(root, values);
      if (level.has(leaf)) return level.get(leaf) as Child;
      if (size >= maxEntries) {
        root = new Map();
        size = 0;
        level = levelOf(root, values);
      }
      const child = makeChild(...values);
      level.set(leaf, child);
      size += 1;
      return child;
    },
  };
}
