// o3-mini on Azure refusing `stream: true`.
// Seen: github/gh-models#31 (o1 on Azure / GitHub Models), BerriAI/litellm#7693 and #8158 (o1 and
// o3-mini deployments): 400 "Unsupported value: 'stream' does not support true with this model.
// Supported values are: false." with param "stream", code "unsupported_value" (docs/wire-formats.md 2.11).
// Also enforced, as current OpenAI and Azure do: `stream_options` on a non-stream call →
// 400 "The 'stream_options' parameter is only allowed when 'stream' is enabled."
// (BerriAI/litellm#5803, aliasrobotics/cai#77; docs/wire-formats.md 1.3).
// The non-stream answer uses Azure's conventions: alphabetically ordered keys,
// `prompt_filter_results`, `content_filter_results` per choice, the dated model version, and
// `reasoning_tokens` in `completion_tokens_details` (vercel/ai azure-model-router fixture for the
// key order; the body itself is composed, not a capture).
// Served on the OpenAI-style path; the channel in the end-to-end tests is `type: openai`.
import {
  chatCompletionsOnly,
  hasValue,
  startEmulator,
  wantsStream,
  writeJson,
  type Emulator,
} from './emulator-server.ts';
import { usageNumbers } from './openai-chunks.ts';

export const azureModel = 'o3-mini';
export const azureServedModel = 'o3-mini-2025-01-31';
export const azureText = 'Hello from Azure o3-mini!';
export const azureUsage = usageNumbers(12, 86);
export const azureReasoningTokens = 64;

export const azureStreamRefusal =
  '{"error":{"message":"Unsupported value: \'stream\' does not support true with this model. Supported values are: false.","type":"invalid_request_error","param":"stream","code":"unsupported_value"}}';
export const streamOptionsWithoutStreamError =
  '{"error":{"message":"The \'stream_options\' parameter is only allowed when \'stream\' is enabled.","type":"invalid_request_error","param":"stream_options","code":null}}';

const safe = { filtered: false, severity: 'safe' };
const notDetected = { filtered: false, detected: false };

export function azureCompletionBody(): string {
  return JSON.stringify({
    choices: [
      {
        content_filter_results: {
          hate: safe,
          protected_material_code: notDetected,
          protected_material_text: notDetected,
          self_harm: safe,
          sexual: safe,
          violence: safe,
        },
        finish_reason: 'stop',
        index: 0,
        logprobs: null,
        message: { annotations: [], content: azureText, refusal: null, role: 'assistant' },
      },
    ],
    created: 1738540800,
    id: 'chatcmpl-AzUre03m1n1DeterministicId0001',
    model: azureServedModel,
    object: 'chat.completion',
    prompt_filter_results: [
      {
        prompt_index: 0,
        content_filter_results: { hate: safe, jailbreak: notDetected, self_harm: safe, sexual: safe, violence: safe },
      },
    ],
    system_fingerprint: 'fp_ef58bd3122',
    usage: {
      completion_tokens: azureUsage.completion_tokens,
      completion_tokens_details: {
        accepted_prediction_tokens: 0,
        audio_tokens: 0,
        reasoning_tokens: azureReasoningTokens,
        rejected_prediction_tokens: 0,
      },
      prompt_tokens: azureUsage.prompt_tokens,
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
      total_tokens: azureUsage.total_tokens,
    },
  });
}

export function startAzureEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly((request, response) => {
      if (wantsStream(request)) {
        writeJson(response, 400, azureStreamRefusal);
      } else if (hasValue(request, 'stream_options')) {
        writeJson(response, 400, streamOptionsWithoutStreamError);
      } else {
        writeJson(response, 200, azureCompletionBody());
      }
    }),
  );
}
