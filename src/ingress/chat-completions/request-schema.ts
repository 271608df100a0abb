// A Chat Completions request after OpenAI's API reference (platform.openai.com/docs/api-reference/
// chat/create; the `openai` package's `ChatCompletionCreateParamsBase`), checked before any upstream
// call so that a body OpenAI would refuse never reaches, or breaks, an upstream (issue 12). Unknown
// top-level fields pass through: they are vendor extensions (`enable_thinking`, `top_k`, …).
// Optional fields accept null, which OpenAI reads as absent.
import * as z from 'zod';
import { lenientBoolean, lenientInteger, lenientNumber } from '../lenient-values.ts';
import { openUnion } from '../typed-union.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { buildMessageSchema } from './message-schema.ts';

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

/**
 * The request's top-level fields, in the schema's order: what parse-common-chat-request.ts checks
 * without the schema (a test keeps this list and the schema's keys the same).
 */
export const chatRequestFields = ['model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'n', 'max_tokens', 'max_completion_tokens', 'seed', 'logprobs', 'top_logprobs', 'logit_bias', 'stop', 'tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call', 'response_format', 'store', 'user'] as const;

/**
 * The schema, built on the first request the common-shape parser (parse-common-chat-request.ts)
 * leaves to it, not at start: most bodies never need it (lib/build-once.ts).
 */
export const chatRequestSchema = buildOnce(() => {
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

  return z.looseObject({
    model: z.string().min(1),
    messages: z.array(buildMessageSchema()).min(1),
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
});

