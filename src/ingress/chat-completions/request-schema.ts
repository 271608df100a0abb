// A Chat Completions request after OpenAI's API reference (platform.openai.com/docs/api-reference/
// chat/create; the `openai` package's `ChatCompletionCreateParamsBase`), checked before any upstream
// call so that a body OpenAI would refuse never reaches, or breaks, an upstream (issue 12). Unknown
// top-level fields pass through: they are vendor extensions (`enable_thinking`, `top_k`, …).
// Optional fields accept null, which OpenAI reads as absent.
import * as z from 'zod';
import { lenientBoolean, lenientInteger, lenientNumber } from '../lenient-values.ts';
import { openUnion } from '../typed-union.ts';
import { message } from './message-schema.ts';

/** OpenAI's bounds on the request's numbers, in one place. */
export const chatBounds = {
  temperature: { minimum: 0, maximum: 2 },
  topP: { minimum: 0, maximum: 1 },
  penalty: { minimum: -2, maximum: 2 },
  choices: { minimum: 1, maximum: 128 },
  topLogprobs: { minimum: 0, maximum: 20 },
  logitBias: { minimum: -100, maximum: 100 },
  stopSequences: 4,
} as const;

const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const customTool = z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string().min(1) }) });

/** A tool of another `type` (an upstream's built-in tool) passes through. */
const tool = openUnion('type', [functionTool, customTool]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  openUnion('type', [
    z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string() }) }),
    z.looseObject({
      type: z.literal('allowed_tools'),
      allowed_tools: z.looseObject({ mode: z.enum(['auto', 'required']), tools: z.array(z.record(z.string(), z.unknown())) }),
    }),
  ]),
]);

const responseFormat = openUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).nullish(), strict: z.boolean().nullish() }),
  }),
]);

const legacyFunction = z.looseObject({ name: z.string().min(1), parameters: z.record(z.string(), z.unknown()).nullish() });

const streamOptions = z.looseObject({ include_usage: lenientBoolean.optional(), include_obfuscation: lenientBoolean.optional() });

const { temperature, topP, penalty, choices, topLogprobs, logitBias, stopSequences } = chatBounds;

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: lenientBoolean.nullish(),
  stream_options: streamOptions.nullish(),
  temperature: lenientNumber(temperature.minimum, temperature.maximum).nullish(),
  top_p: lenientNumber(topP.minimum, topP.maximum).nullish(),
  presence_penalty: lenientNumber(penalty.minimum, penalty.maximum).nullish(),
  frequency_penalty: lenientNumber(penalty.minimum, penalty.maximum).nullish(),
  n: lenientInteger(choices.minimum, choices.maximum).nullish(),
  max_tokens: lenientInteger(1).nullish(),
  max_completion_tokens: lenientInteger(1).nullish(),
  seed: lenientInteger().nullish(),
  logprobs: lenientBoolean.nullish(),
  top_logprobs: lenientInteger(topLogprobs.minimum, topLogprobs.maximum).nullish(),
  logit_bias: z.record(z.string(), z.number().min(logitBias.minimum).max(logitBias.maximum)).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(stopSequences)]).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: lenientBoolean.nullish(),
  functions: z.array(legacyFunction).nullish(),
  function_call: z.union([z.enum(['none', 'auto']), z.looseObject({ name: z.string() })]).nullish(),
  response_format: responseFormat.nullish(),
  store: lenientBoolean.nullish(),
  user: z.string().nullish(),
});
