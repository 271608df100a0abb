// Capabilities learned from upstream errors, per channel and upstream model, with the evidence and
// a time after which they are re-checked (forgotten, and learned again if still true). Kept in
// memory; a persistence hook lets the store keep them across restarts.
import type { CapabilityHints } from '../core/channel.ts';
import { endpointPaths, type EndpointName } from '../core/endpoint.ts';
import type { LearnedCapability as StoredCapability } from '../store/ports.ts';

export interface LearnedCapability {
  channel: string;
  model: string;
  hints: CapabilityHints;
  /** The upstream's own words that taught it. */
  evidence: string;
  learnedAt: number;
  recheckAt: number;
}

/**
 * Upstream models remembered per channel at most. A glob channel may be asked for any model name,
 * and an upstream that refuses a parameter for every model would teach one entry per name; past the
 * bound the least recently learned is forgotten (and learned again, with one extra call, if used).
 */
export const maxLearnedModelsPerChannel = 1_000;

const noLearnedHints: Readonly<Record<string, CapabilityHints>> = Object.freeze({});

export class LearnedCapabilities {
  readonly #byChannel = new Map<string, Map<string, LearnedCapability>>();
  readonly #now: () => number;
  readonly #listeners: Array<(learned: LearnedCapability) => void> = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Called with each new learning (the log line, the store). */
  onLearn(listener: (learned: LearnedCapability) => void): void {
    this.#listeners.push(listener);
  }

  /** Restores what a store kept. */
  load(entries: Iterable<LearnedCapability>): void {
    for (const entry of entries) this.#models(entry.channel).set(entry.model, entry);
  }

  /** Forgets everything and restores `entries` (a full reload from the store another instance wrote to). */
  replace(entries: Iterable<LearnedCapability>): void {
    this.#byChannel.clear();
    this.load(entries);
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
  hintsFor(channel: string): Readonly<Record<string, CapabilityHints>> {
    const models = this.#byChannel.get(channel);
    // A channel nothing was learned about (most, most of the time) gets one shared empty source per try.
    if (models === undefined || models.size === 0) return noLearnedHints;
    const hints: Record<string, CapabilityHints> = {};
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
      ...(hints.unsupportedEndpoints === undefined ? {} : { unsupportedEndpoints: [...new Set([...(previous.unsupportedEndpoints ?? []), ...hints.unsupportedEndpoints])] }),
    };
    const entry = { channel, model, hints: merged, evidence, learnedAt: now, recheckAt: now + recheckAfterMs };
    // Delete first, so a model learned again moves to the end (the newest) of the map's order.
    models.delete(model);
    if (models.size >= maxLearnedModelsPerChannel) {
      const oldest = models.keys().next();
      if (oldest.done !== true) models.delete(oldest.value);
    }
    models.set(model, entry);
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }

  forget(channel: string, model: string): boolean {
    return this.#byChannel.get(channel)?.delete(model) ?? false;
  }

  list(): LearnedCapability[] {
    return [...this.#byChannel.values()].flatMap((models) => [...models.values()]);
  }
}

export function toStoredCapabilities(entry: LearnedCapability): StoredCapability[] {
  const base = { channel: entry.channel, model: entry.model, evidence: entry.evidence, learnedAt: entry.learnedAt, recheckAt: entry.recheckAt };
  const rows: StoredCapability[] = [];
  if (entry.hints.stream !== undefined) rows.push({ ...base, capability: 'stream', value: entry.hints.stream });
  if (entry.hints.streamOptions !== undefined) rows.push({ ...base, capability: 'stream_options', value: entry.hints.streamOptions });
  if (entry.hints.dropFields !== undefined) rows.push({ ...base, capability: 'drop_fields', value: [...entry.hints.dropFields] });
  if (entry.hints.responsesApi !== undefined) rows.push({ ...base, capability: 'responses_api', value: entry.hints.responsesApi });
  if (entry.hints.completions !== undefined) rows.push({ ...base, capability: 'completions', value: entry.hints.completions });
  if (entry.hints.unsupportedEndpoints !== undefined) rows.push({ ...base, capability: 'unsupported_endpoints', value: [...entry.hints.unsupportedEndpoints] });
  if (entry.hints.rerankTexts !== undefined) rows.push({ ...base, capability: 'rerank_texts', value: entry.hints.rerankTexts });
  return rows;
}

/** Stored rows back into one entry per channel and model; rows of unknown capabilities are skipped. */
export function fromStoredCapabilities(rows: readonly StoredCapability[], never: number): LearnedCapability[] {
  const entries = new Map<string, LearnedCapability>();
  for (const row of rows) {
    const id = `${row.channel}\u0000${row.model}`;
    const entry = entries.get(id) ?? { channel: row.channel, model: row.model, hints: {}, evidence: row.evidence, learnedAt: row.learnedAt, recheckAt: row.recheckAt ?? never };
    if (row.capability === 'stream' && (row.value === 'required' || row.value === 'unsupported' || row.value === 'supported')) entry.hints = { ...entry.hints, stream: row.value };
    else if (row.capability === 'stream_options' && typeof row.value === 'boolean') entry.hints = { ...entry.hints, streamOptions: row.value };
    else if (row.capability === 'drop_fields' && Array.isArray(row.value)) entry.hints = { ...entry.hints, dropFields: row.value.filter((field): field is string => typeof field === 'string') };
    else if (row.capability === 'responses_api' && (row.value === 'supported' || row.value === 'unsupported')) entry.hints = { ...entry.hints, responsesApi: row.value };
    else if (row.capability === 'completions' && (row.value === 'supported' || row.value === 'unsupported')) entry.hints = { ...entry.hints, completions: row.value };
    else if (row.capability === 'unsupported_endpoints' && Array.isArray(row.value)) entry.hints = { ...entry.hints, unsupportedEndpoints: row.value.filter((endpoint): endpoint is EndpointName => typeof endpoint === 'string' && Object.hasOwn(endpointPaths, endpoint)) };
    else if (row.capability === 'rerank_texts' && typeof row.value === 'boolean') entry.hints = { ...entry.hints, rerankTexts: row.value };
    else continue;
    entry.recheckAt = Math.min(entry.recheckAt, row.recheckAt ?? never);
    entries.set(id, entry);
  }
  return [...entries.values()];
}
