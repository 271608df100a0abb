// Recognizes the 4xx answers that say what an upstream model can do, by their words (no provider
// names): the same words from any upstream mean the same thing. Pure.
//
// Only a sentence that *rejects a parameter by name* teaches anything about a parameter: a value
// complaint ("Invalid parameter: 'user' must be at most 64 characters") is the client's problem and
// teaches nothing, so one client cannot make Sluice drop a field for everyone (docs/resilience.md,
// "What counts as evidence").

export type CapabilityRejection =
  | { kind: 'stream-required' }
  | { kind: 'stream-unsupported' }
  | { kind: 'stream-options-unsupported' }
  /** An optional field on the safe list the upstream does not know. */
  | { kind: 'field-unsupported'; field: string };

/** What the upstream said: its message, and the `param` field of its error body when it had one. */
export interface RejectionWords {
  message: string;
  param?: string | null | undefined;
}

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

const name = String.raw`['"\`]?([a-z_][\w.]*)['"\`]?`;
/**
 * Sentences that reject a parameter by name, the name captured:
 * "Unrecognized request argument supplied: stream_options" (old Azure, one-api#1423), "Unknown
 * parameter: 'stream_options'." (new-api#418), "Unsupported parameter: 'max_tokens' is not supported
 * with this model." (OpenAI), "Argument not supported on this model: stream_options" (xAI,
 * cline#2764), "'x' is not supported", Mistral's 422 `body.stream_options…: Extra inputs are not
 * permitted` (dnakov/anon-kode#53), "The 'stream_options' parameter is only allowed when 'stream' is
 * enabled." (litellm#5803).
 */
const namingSentences: readonly RegExp[] = [
  new RegExp(String.raw`unrecogni[sz]ed request argument supplied:\s*${name}`, 'i'),
  new RegExp(String.raw`unknown parameter:\s*${name}`, 'i'),
  new RegExp(String.raw`unsupported parameter:\s*${name}`, 'i'),
  new RegExp(String.raw`argument not supported(?: on this model)?:\s*${name}`, 'i'),
  new RegExp(String.raw`(?:^|[\s(])${name}(?: parameter| argument| field)? (?:is|are) not supported`, 'i'),
  new RegExp(String.raw`(?:^|[\s;])body\.([a-z_][\w.]*):\s*extra inputs are not permitted`, 'i'),
  new RegExp(String.raw`the ${name} parameter is only allowed when`, 'i'),
];

/** The words of a parameter rejection, for an error whose `param` field names the parameter. */
const rejectsParameter = /unrecogni[sz]ed request argument|unknown parameter|unsupported parameter|argument not supported|not supported|extra inputs are not permitted|extra_forbidden|only allowed when/i;

/** The top-level request field a name points at (`stream_options.include_usage` → `stream_options`). */
function topLevel(field: string): string {
  return field.split('.')[0] ?? field;
}

/** The parameter the upstream rejected by name, or undefined when its words reject none. */
export function findRejectedParameter(words: RejectionWords): string | undefined {
  const param = words.param ?? undefined;
  if (param !== undefined && param !== '' && rejectsParameter.test(words.message)) return topLevel(param);
  for (const sentence of namingSentences) {
    const named = sentence.exec(words.message)?.[1];
    if (named !== undefined) return topLevel(named);
  }
  return undefined;
}

export function recognizeRejection(words: RejectionWords): CapabilityRejection | undefined {
  if (streamRequired.test(words.message)) return { kind: 'stream-required' };
  if (streamUnsupported.test(words.message)) return { kind: 'stream-unsupported' };
  const field = findRejectedParameter(words);
  if (field === 'stream_options') return { kind: 'stream-options-unsupported' };
  return field !== undefined && droppableFields.includes(field) ? { kind: 'field-unsupported', field } : undefined;
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
