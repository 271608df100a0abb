// What an upstream model can do, from the operator's config, what Sluice learned from the upstream's
// errors, and defaults, in that order (docs/design.md "Capabilities are known three ways").
import type { Capabilities, CapabilityHints } from '../core/channel.ts';
import { isGlob, matchesGlob } from '../lib/match-glob.ts';

export const defaultCapabilities: Capabilities = { stream: 'supported', streamOptions: true, dropFields: [] };

/**
 * Keys of `source` matching `model`, most specific first: the exact key, then globs longest first.
 * Runs for each try of each request, and most sources match nothing (no hints, or none for this model):
 * then no array is made (docs/benchmarks.md "Round eighteen").
 */
function matchingHints(source: Record<string, CapabilityHints>, model: string): readonly CapabilityHints[] {
  const exact = Object.hasOwn(source, model) ? source[model] : undefined;
  let globs: string[] | undefined;
  for (const key in source) {
    if (key !== model && Object.hasOwn(source, key) && isGlob(key) && matchesGlob(key, model)) (globs ??= []).push(key);
  }
  if (globs === undefined) return exact === undefined ? noHints : [exact];
  globs.sort((left, right) => right.length - left.length);
  const hints = exact === undefined ? [] : [exact];
  for (const key of globs) {
    const found = source[key];
    if (found !== undefined) hints.push(found);
  }
  return hints;
}

const noHints: readonly CapabilityHints[] = [];

/**
 * sources in priority order (operator config first, then learned); first defined value per field
 * wins; then defaults. Keys are upstream model names or globs; exact beats glob, longer glob beats
 * shorter (lookupByGlob's order). Within a source a field the most specific key leaves unset falls
 * through to the next matching key, so `"*": {streamOptions: false}` and `"reasoner-*": {stream: required}`
 * both apply to `reasoner-plus`.
 */
export function resolveCapabilities(
  model: string,
  sources: Array<Record<string, CapabilityHints>>,
  defaults: Capabilities = defaultCapabilities,
): Capabilities {
  let stream: Capabilities['stream'] | undefined;
  let streamOptions: boolean | undefined;
  let responsesApi: Capabilities['responsesApi'];
  let completions: Capabilities['completions'];
  let dropFields: Set<string> | undefined;
  for (const source of sources) {
    for (const hints of matchingHints(source, model)) {
      stream ??= hints.stream;
      streamOptions ??= hints.streamOptions;
      responsesApi ??= hints.responsesApi;
      completions ??= hints.completions;
      // Fields to leave out add up across sources: each one was rejected by the upstream.
      if (hints.dropFields !== undefined && hints.dropFields.length > 0) {
        dropFields ??= new Set(defaults.dropFields);
        for (const field of hints.dropFields) dropFields.add(field);
      }
    }
  }
  const resolved: Capabilities = { stream: stream ?? defaults.stream, streamOptions: streamOptions ?? defaults.streamOptions, dropFields: dropFields === undefined ? [...defaults.dropFields] : [...dropFields] };
  responsesApi ??= defaults.responsesApi;
  if (responsesApi !== undefined) resolved.responsesApi = responsesApi;
  completions ??= defaults.completions;
  if (completions !== undefined) resolved.completions = completions;
  return resolved;
}
