// Recognizes the 4xx answers that say what an upstream model can do, by their words (no provider
// names): the same words from any upstream mean the same thing. Pure.

export type CapabilityRejection =
  | { kind: 'stream-required' }
  | { kind: 'stream-unsupported' }
  | { kind: 'stream-options-unsupported' }
  /** An optional field on the safe list the upstream does not know. */
  | { kind: 'field-unsupported'; field: string };

/**
 * Optional request fields whose removal cannot change the answer's meaning: storage, tracing and
 * billing hints, and `parallel_tool_calls` (the model may then call several tools at once; each call
 * is still answered). Documented in docs/resilience.md.
 */
export const droppableFields: readonly string[] = ['store', 'metadata', 'service_tier', 'user', 'parallel_tool_calls', 'prompt_cache_key', 'safety_identifier'];

// DashScope QwQ: "This model only support stream mode, please enable the stream parameter…"
// (infiniflow/ragflow#5912); Qwen3 thinking: "parameter.enable_thinking must be set to false for
// non-streaming calls" (infiniflow/ragflow#8972); relays: "stream must be set to true", "must be streamed".
const streamRequired = /only supports? stream mode|enable the stream parameter|stream must be set to true|must be streamed|must be set to false for non-streaming calls/i;
// o1/o3-mini: "Unsupported value: 'stream' does not support true with this model." (NextChat#5410,
// github/gh-models#31); Azure: "Streaming requests are not yet allowed." (langgenius/dify#9591);
// OpenAI o3/gpt-5: "Your organization must be verified to stream this model." (pal-mcp-server#134).
const streamUnsupported = /'stream' does not support true|streaming (requests )?(is|are) not (yet )?(allowed|supported)|organization must be verified to stream/i;
// "Unrecognized request argument supplied: stream_options" (old Azure, one-api#1423), "Unknown
// parameter: 'stream_options'." (new-api#418), "Argument not supported on this model: stream_options",
// Mistral's 422 extra_forbidden with loc body.stream_options, "The 'stream_options' parameter is only
// allowed when 'stream' is enabled." (litellm#5803).
const fieldRejected = /unrecogni[sz]ed|unknown|not supported|unsupported|not allowed|not permitted|extra inputs|extra_forbidden|additional propert|unexpected|invalid (field|parameter|argument)|only allowed when/i;

function namesField(message: string, field: string): boolean {
  return new RegExp(`(^|[^a-z_])${field}([^a-z_]|$)`, 'i').test(message);
}

export function recognizeRejection(message: string): CapabilityRejection | undefined {
  if (streamRequired.test(message)) return { kind: 'stream-required' };
  if (streamUnsupported.test(message)) return { kind: 'stream-unsupported' };
  if (!fieldRejected.test(message)) return undefined;
  if (namesField(message, 'stream_options')) return { kind: 'stream-options-unsupported' };
  const field = droppableFields.find((name) => namesField(message, name));
  return field === undefined ? undefined : { kind: 'field-unsupported', field };
}

/** What to tell an operator who sees this rejection. */
export function describeRejectionFix(rejection: CapabilityRejection): string {
  switch (rejection.kind) {
    case 'stream-required':
      return 'This model only answers in stream mode: set `capabilities: { <model>: { stream: required } }` on the channel, and Sluice will stream upstream and fold the answer for non-stream clients.';
    case 'stream-unsupported':
      return 'This model refuses `stream: true`: set `capabilities: { <model>: { stream: unsupported } }` on the channel, and Sluice will call it without streaming and replay the answer as SSE.';
    case 'stream-options-unsupported':
      return 'This upstream rejects `stream_options`: set `capabilities: { <model>: { stream_options: false } }` (or `overrides: { stream_options: null }`) on the channel; Sluice will count usage itself.';
    case 'field-unsupported':
      return `This upstream rejects \`${rejection.field}\`: remove it from the request, or set \`overrides: { ${rejection.field}: null }\` on the channel.`;
  }
}
