// Capabilities learned from upstream errors, per channel and upstream model, with the evidence and
// a time after which they are re-checked (forgotten, and learned again if still true). Kept in
// memory; a persistence hook lets the store keep them across restarts.
import type { CapabilityHints } from '../core/channel.ts';

export interface LearnedCapability {
  channel: string;
  model: string;
  hints: CapabilityHints;
  /** The upstream's own words that taught it. */
  evidence: string;
  learnedAt: number;
  recheckAt: number;
}

export class LearnedCapabilities {
  readonly #byChannel = new Map<string, Map<string, LearnedCapability>>();
  readonly #now: () => number;
  readonly #onLearn: (learned: LearnedCapability) => void;

  constructor(now: () => number, onLearn: (learned: LearnedCapability) => void = () => undefined) {
    this.#now = now;
    this.#onLearn = onLearn;
  }

  /** Restores what a store kept. */
  load(entries: Iterable<LearnedCapability>): void {
    for (const entry of entries) this.#models(entry.channel).set(entry.model, entry);
  }

  #models(channel: string): Map<string, LearnedCapability> {
    let models = this.#byChannel.get(channel);
    if (models === undefined) {
      models = new Map();
      this.#byChannel.set(channel, models);
    }
    return models;
  }

  /** Hints per upstream model for one channel, as a capability source (expired ones left out). */
  hintsFor(channel: string): Record<string, CapabilityHints> {
    const models = this.#byChannel.get(channel);
    const hints: Record<string, CapabilityHints> = {};
    if (models === undefined) return hints;
    const now = this.#now();
    for (const [model, entry] of models) {
      if (entry.recheckAt > now) hints[model] = entry.hints;
      else models.delete(model);
    }
    return hints;
  }

  learn(channel: string, model: string, hints: CapabilityHints, evidence: string, recheckAfterMs: number): LearnedCapability {
    const models = this.#models(channel);
    const previous = models.get(model)?.hints ?? {};
    const now = this.#now();
    const merged: CapabilityHints = {
      ...previous,
      ...hints,
      ...(hints.dropFields === undefined ? {} : { dropFields: [...new Set([...(previous.dropFields ?? []), ...hints.dropFields])] }),
    };
    const entry = { channel, model, hints: merged, evidence, learnedAt: now, recheckAt: now + recheckAfterMs };
    models.set(model, entry);
    this.#onLearn(entry);
    return entry;
  }

  forget(channel: string, model: string): boolean {
    return this.#byChannel.get(channel)?.delete(model) ?? false;
  }

  list(): LearnedCapability[] {
    return [...this.#byChannel.values()].flatMap((models) => [...models.values()]);
  }
}
