// Channel choice: the lowest `priority` first, weighted random within a priority.
// Randomness is injected so tests can pin it.

export interface Weighted {
  priority: number;
  weight: number;
}

export type RandomSource = () => number;

/** Orders candidates into an attempt plan: by priority, each priority group shuffled by weight. */
export function orderByPriorityAndWeight<T extends Weighted>(candidates: readonly T[], random: RandomSource = Math.random): T[] {
  const groups = new Map<number, T[]>();
  for (const candidate of candidates) {
    const group = groups.get(candidate.priority) ?? [];
    group.push(candidate);
    groups.set(candidate.priority, group);
  }
  const priorities = [...groups.keys()].sort((a, b) => a - b);
  return priorities.flatMap((priority) => shuffleByWeight(groups.get(priority) ?? [], random));
}

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
