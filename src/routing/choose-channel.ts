// Weighted random order within one priority (the `weighted` strategy, src/routing/balance-strategy.ts);
// the priorities themselves are ordered by src/relay/plan-attempts.ts.
// Randomness is injected so tests can pin it.

export interface Weighted {
  priority: number;
  weight: number;
}

export type RandomSource = () => number;

/** Weighted random order without replacement: each pick is proportional to the remaining weights. */
export function shuffleByWeight<T extends Weighted>(items: readonly T[], random: RandomSource): T[] {
  const remaining = [...items];
  const ordered: T[] = [];
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, item) => sum + item.weight, 0);
    let point = random() * total;
    let index = remaining.findIndex((item) => (point -= item.weight) < 0);
    if (index < 0) index = remaining.length - 1;
    ordered.push(...remaining.splice(index, 1));
  }
  return ordered;
}
