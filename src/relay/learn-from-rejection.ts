// What Sluice learns from an upstream that said what it wants (docs/design.md "Learning"). Pure: the
// rejection and the call that was refused in, the capability change out — or nothing, when the
// change would not alter the next call (so a misleading message cannot loop).
import type { CapabilityRejection } from '../adapt/recognize-rejection.ts';
import type { CapabilityHints } from '../core/channel.ts';
import type { JsonObject } from '../core/chat.ts';

export interface RefusedCall {
  /** The body the upstream refused. */
  body: JsonObject;
  upstreamStream: boolean;
}

export function learnFromRejection(rejection: CapabilityRejection, call: RefusedCall): CapabilityHints | undefined {
  switch (rejection.kind) {
    case 'stream-required':
      return call.upstreamStream ? undefined : { stream: 'required' };
    case 'stream-unsupported':
      return call.upstreamStream ? { stream: 'unsupported' } : undefined;
    case 'stream-options-unsupported':
      return call.body.stream_options === undefined ? undefined : { streamOptions: false };
    case 'field-unsupported':
      return call.body[rejection.field] === undefined ? undefined : { dropFields: [rejection.field] };
  }
}

/** A short name for the log's list of adaptations, e.g. `learned:stream=required`. */
export function describeLearning(hints: CapabilityHints): string {
  if (hints.stream !== undefined) return `learned:stream=${hints.stream}`;
  if (hints.streamOptions !== undefined) return `learned:stream_options=${String(hints.streamOptions)}`;
  if (hints.responsesApi !== undefined) return `learned:responses_api=${hints.responsesApi}`;
  if (hints.completions !== undefined) return `learned:completions=${hints.completions}`;
  if (hints.unsupportedEndpoints !== undefined) return `learned:unsupported=${hints.unsupportedEndpoints.join(',')}`;
  if (hints.rerankTexts !== undefined) return `learned:rerank_texts=${String(hints.rerankTexts)}`;
  return `learned:drop=${(hints.dropFields ?? []).join(',')}`;
}
