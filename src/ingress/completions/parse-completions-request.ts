// The client's legacy Completions body (OpenAI API reference, "Completions": platform.openai.com/
// docs/api-reference/completions/create; the `openai` package's `CompletionCreateParamsBase`) → the
// internal request, or a 400 in OpenAI's words before anything is sent upstream. Unknown top-level
// fields pass through (vLLM's `top_k`, `min_tokens`, …); optional fields accept null, read as absent.
import * as z from 'zod';
import { isJsonObject } from '../../core/chat.ts';
import type { CompletionsRequest } from '../../core/completions.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import { lenientBoolean, lenientInteger, lenientNumber, wholeNumber } from '../lenient-values.ts';

/** OpenAI's bounds on the request's numbers, in one place (the API reference's ranges). */
export const completionsBounds = {
  temperature: { minimum: 0, maximum: 2 },
  topP: { minimum: 0, maximum: 1 },
  penalty: { minimum: -2, maximum: 2 },
  choices: { minimum: 1, maximum: 128 },
  bestOf: { minimum: 0, maximum: 20 },
  logprobs: { minimum: 0, maximum: 5 },
  logitBias: { minimum: -100, maximum: 100 },
  stopSequences: 4,
} as const;

// Built on the first Completions request, not at start (lib/build-once.ts).
const completionsRequestSchema = buildOnce(() => {
  /** A string, or a non-empty array of strings, of token ids, or of token-id arrays. */
  const prompt = z.union([z.string(), z.array(z.string()).min(1), z.array(wholeNumber(0)).min(1), z.array(z.array(wholeNumber(0)).min(1)).min(1)], {
    error: 'expected a string, or a non-empty array of strings, of token ids, or of token-id arrays.',
  });

  const streamOptions = z.looseObject({ include_usage: lenientBoolean.optional() });
  const { temperature, topP, penalty, choices, bestOf, logprobs, logitBias, stopSequences } = completionsBounds;

  return z.looseObject({
    model: z.string().min(1),
    prompt,
    suffix: z.string().nullish(),
    echo: lenientBoolean.nullish(),
    logprobs: lenientInteger(logprobs.minimum, logprobs.maximum).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(stopSequences)]).nullish(),
    // 0 is valid: with `echo` it scores the prompt without generating (OpenAI API reference).
    max_tokens: lenientInteger(0).nullish(),
    n: lenientInteger(choices.minimum, choices.maximum).nullish(),
    best_of: lenientInteger(bestOf.minimum, bestOf.maximum).nullish(),
    temperature: lenientNumber(temperature.minimum, temperature.maximum).nullish(),
    top_p: lenientNumber(topP.minimum, topP.maximum).nullish(),
    presence_penalty: lenientNumber(penalty.minimum, penalty.maximum).nullish(),
    frequency_penalty: lenientNumber(penalty.minimum, penalty.maximum).nullish(),
    logit_bias: z.record(z.string(), z.number().min(logitBias.minimum).max(logitBias.maximum)).nullish(),
    seed: lenientInteger().nullish(),
    user: z.string().nullish(),
    stream: lenientBoolean.nullish(),
    stream_options: streamOptions.nullish(),
  });
});

export function parseCompletionsRequest(body: unknown): CompletionsRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  const request = parseWith(completionsRequestSchema(), body);
  // OpenAI's and Azure's own words for this refusal (quoted in BerriAI/litellm#5803).
  if (request.stream !== true && request.stream_options !== undefined && request.stream_options !== null) {
    throw new GatewayError('invalid_request', "The 'stream_options' parameter is only allowed when 'stream' is enabled.", { param: 'stream_options' });
  }
  // "best_of must be greater than n" (OpenAI API reference, `best_of`); equal asks for nothing extra.
  const { n, best_of: best } = request;
  if (typeof best === 'number' && best > 0 && best < (n ?? 1)) {
    throw new GatewayError('invalid_request', `Invalid 'best_of': it must be at least 'n' (${String(n ?? 1)}), but got ${String(best)} instead.`, { param: 'best_of' });
  }
  return request as CompletionsRequest;
}
