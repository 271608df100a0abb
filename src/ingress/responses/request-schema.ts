// A Responses request after OpenAI's API reference (`ResponseCreateParamsBase` in the `openai`
// package, src/resources/responses/responses.ts; docs/ingress-protocols.md §A1), checked before any
// upstream call. Items and tools of a kind Sluice cannot translate (hosted tools, their call items,
// `item_reference`) pass the schema and are refused or dropped by name in refuse-unsupported.ts, so
// the 400 says what to do instead. Optional fields accept null, which OpenAI reads as absent.
import * as z from 'zod';
import { buildOnce } from '../../lib/build-once.ts';
import { lenientBoolean, lenientInteger, lenientNumber } from '../lenient-values.ts';
import { closedUnion, openUnion } from '../typed-union.ts';

/** OpenAI's bounds on the request's numbers, in one place. */
export const responsesBounds = {
  temperature: { minimum: 0, maximum: 2 },
  topP: { minimum: 0, maximum: 1 },
} as const;

/** A message item may leave out `type` (EasyInputMessage); it is a message then. */
function typeMessages(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'type' in value) return value;
  return 'role' in value ? { type: 'message', ...value } : value;
}

/** The Responses schemas, built on the first Responses request rather than at start (lib/build-once.ts). */
function buildResponsesSchemas() {
  const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
  const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
  const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
  const inputImage = z.looseObject({
    type: z.literal('input_image'),
    image_url: z.string().nullish(),
    file_id: z.string().nullish(),
    detail: z.enum(['auto', 'low', 'high', 'original']).nullish(),
  });
  const inputFile = z.looseObject({
    type: z.literal('input_file'),
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    file_url: z.string().nullish(),
    filename: z.string().nullish(),
  });

  const contentPart = closedUnion('type', [inputText, outputText, refusal, inputImage, inputFile]);
  const content = z.union([z.string(), z.array(contentPart)]);
  const callId = z.string().min(1);

  const message = z.looseObject({ type: z.literal('message'), role: z.enum(['user', 'assistant', 'system', 'developer']), content });
  const functionCall = z.looseObject({ type: z.literal('function_call'), call_id: callId, name: z.string().min(1), arguments: z.string() });
  const functionCallOutput = z.looseObject({ type: z.literal('function_call_output'), call_id: callId, output: content });
  const customToolCall = z.looseObject({ type: z.literal('custom_tool_call'), call_id: callId, name: z.string().min(1), input: z.string() });
  const customToolCallOutput = z.looseObject({ type: z.literal('custom_tool_call_output'), call_id: callId, output: content });
  const reasoning = z.looseObject({ type: z.literal('reasoning'), summary: z.array(z.unknown()).nullish(), encrypted_content: z.string().nullish() });

  const functionTool = z.looseObject({
    type: z.literal('function'),
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: lenientBoolean.nullish(),
  });
  /** A freeform tool (Codex's `apply_patch`): a grammar (`lark`/`regex`) or plain text as its input. */
  const customTool = z.looseObject({
    type: z.literal('custom'),
    name: z.string().min(1),
    description: z.string().nullish(),
    format: z.looseObject({ type: z.string(), syntax: z.string().nullish(), definition: z.string().nullish() }).nullish(),
  });
  /** Codex code mode groups tools under a namespace (docs/ingress-protocols.md §A1). */
  const namespaceTool = z.looseObject({
    type: z.literal('namespace'),
    name: z.string().nullish(),
    tools: z.array(openUnion('type', [functionTool, customTool])),
  });
  /** Any other `type` is a hosted tool (web_search, file_search, mcp, …). */
  const tool = openUnion('type', [functionTool, customTool, namespaceTool]);

  const additionalTools = z.looseObject({ type: z.literal('additional_tools'), tools: z.array(tool) });

  const item = z.preprocess(typeMessages, openUnion('type', [message, functionCall, functionCallOutput, customToolCall, customToolCallOutput, reasoning, additionalTools]));

  const toolChoice = z.union([
    z.enum(['none', 'auto', 'required']),
    openUnion('type', [
      z.looseObject({ type: z.literal('function'), name: z.string().min(1) }),
      z.looseObject({ type: z.literal('custom'), name: z.string().min(1) }),
      z.looseObject({ type: z.literal('allowed_tools'), mode: z.enum(['auto', 'required']), tools: z.array(z.looseObject({ type: z.string() })) }),
    ]),
  ]);

  const textFormat = closedUnion('type', [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().nullish(),
      strict: lenientBoolean.nullish(),
    }),
  ]);

  const { temperature, topP } = responsesBounds;

  const request = z.looseObject({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(item)]),
    instructions: z.string().nullish(),
    stream: lenientBoolean.nullish(),
    stream_options: z.looseObject({ include_obfuscation: lenientBoolean.nullish() }).nullish(),
    tools: z.array(tool).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: lenientBoolean.nullish(),
    max_output_tokens: lenientInteger(1).nullish(),
    max_tool_calls: lenientInteger(1).nullish(),
    temperature: lenientNumber(temperature.minimum, temperature.maximum).nullish(),
    top_p: lenientNumber(topP.minimum, topP.maximum).nullish(),
    reasoning: z
      .looseObject({
        effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
        summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
        generate_summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
      })
      .nullish(),
    text: z.looseObject({ format: textFormat.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).nullish(),
    include: z.array(z.string()).nullish(),
    store: lenientBoolean.nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    user: z.string().nullish(),
    previous_response_id: z.string().nullish(),
    background: lenientBoolean.nullish(),
    truncation: z.enum(['auto', 'disabled']).nullish(),
  });
  return { request, tool, item };
}

const responsesSchemas = buildOnce(buildResponsesSchemas);

export function responsesRequestSchema(): ResponsesSchemas['request'] {
  return responsesSchemas().request;
}

type ResponsesSchemas = ReturnType<typeof buildResponsesSchemas>;

export type ResponsesRequest = z.output<ResponsesSchemas['request']>;
export type ResponsesTool = z.output<ResponsesSchemas['tool']>;
export type ResponsesItem = z.output<ResponsesSchemas['item']>;
