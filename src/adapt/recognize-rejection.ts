// Recognizes the 400s that say what an upstream model can do, by their words (no provider names):
// the same words from any upstream that says them mean the same thing.

export type CapabilityRejection = 'stream-required' | 'stream-unsupported' | 'stream-options-unsupported';

const patterns: ReadonlyArray<readonly [CapabilityRejection, RegExp]> = [
  // DashScope QwQ: "This model only support stream mode, please enable the stream parameter…"
  // (infiniflow/ragflow#5912); Qwen3 thinking: "parameter.enable_thinking must be set to false for
  // non-streaming calls" (infiniflow/ragflow#8972).
  ['stream-required', /only supports? stream mode|enable the stream parameter|must be set to false for non-streaming calls/i],
  // o1/o3-mini: "Unsupported value: 'stream' does not support true with this model." (NextChat#5410,
  // github/gh-models#31); Azure: "Streaming requests are not yet allowed." (langgenius/dify#9591).
  ['stream-unsupported', /'stream' does not support true|streaming (requests )?(is|are) not (yet )?(allowed|supported)/i],
  // "Unrecognized request argument supplied: stream_options" (old Azure api-versions, one-api#1423),
  // "Unknown parameter: 'stream_options'." (new-api#418), "Argument not supported: stream_options".
  ['stream-options-unsupported', /stream_options/i],
];

export function recognizeRejection(message: string): CapabilityRejection | undefined {
  return patterns.find(([, pattern]) => pattern.test(message))?.[0];
}

/** What to tell an operator who sees this rejection. */
export const rejectionHints: Record<CapabilityRejection, string> = {
  'stream-required': 'This model only answers in stream mode: set `capabilities: { <model>: { stream: required } }` on the channel, and Sluice will stream upstream and fold the answer for non-stream clients.',
  'stream-unsupported': 'This model refuses `stream: true`: set `capabilities: { <model>: { stream: unsupported } }` on the channel, and Sluice will call it without streaming and replay the answer as SSE.',
  'stream-options-unsupported': 'This upstream rejects `stream_options`: set `capabilities: { <model>: { stream_options: false } }` (or `overrides: { stream_options: null }`) on the channel; Sluice will count usage itself.',
};
