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
  /**
   * The child for these label values, in the metric's labelNames order (no more than four labels: the
   * values are parameters, not a rest array, so a lookup allocates nothing — ten lookups a request).
   */
  get(first?: string, second?: string, third?: string, fourth?: string): Child;
}

/** A trie of label values: one Map per label, the child at the last one; no key string built per call. One arity per cache. */
type Level<Child> = Map<string, Level<Child> | Child>;

/** The level below `level` for `value`, made when missing. */
function stepTo<Child>(level: Level<Child>, value: string): Level<Child> {
  let next = level.get(value) as Level<Child> | undefined;
  if (next === undefined) {
    next = new Map();
    level.set(value, next);
  }
  return next;
}

/** The level that holds the last given value's child, made on the way when missing. */
function levelOf<Child>(root: Level<Child>, first: string | undefined, second: string | undefined, third: string | undefined, fourth: string | undefined): Level<Child> {
  if (second === undefined || first === undefined) return root;
  if (third === undefined) return stepTo(root, first);
  if (fourth === undefined) return stepTo(stepTo(root, first), second);
  return stepTo(stepTo(stepTo(root, first), second), third);
}

/** The values given, in order: what `makeChild` is called with (a child is made once per tuple). */
function valuesOf(first: string | undefined, second: string | undefined, third: string | undefined, fourth: string | undefined): string[] {
  const values: string[] = [];
  for (const value of [first, second, third, fourth]) {
    if (value === undefined) break;
    values.push(value);
  }
  return values;
}

export function cacheChildren<Child>(makeChild: (...values: string[]) => Child, maxEntries = maxCachedLabelSets): ChildCache<Child> {
  let root: Level<Child> = new Map();
  let size = 0;
  return {
    get(first, second, third, fourth) {
      // No label at all (a metric without labels): the empty text stands for the tuple.
      const leaf = fourth ?? third ?? second ?? first ?? '';
      let level = levelOf(root, first, second, third, fourth);
      if (level.has(leaf)) return level.get(leaf) as Child;
      if (size >= maxEntries) {
        root = new Map();
        size = 0;
        level = levelOf(root, first, second, third, fourth);
      }
      const child = makeChild(...valuesOf(first, second, third, fourth));
      level.set(leaf, child);
      size += 1;
      return child;
    },
  };
}
