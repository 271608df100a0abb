// The client's Responses body → the internal chat request and what the answer needs back (the
// fields a Response echoes, custom tool names, what to report of reasoning), or a 400 in OpenAI's
// words before anything is sent upstream (docs/ingress-protocols.md §A1, §D2).
import type { ChatMessage, ChatRequest, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ParsedIngress } from '../../core/ingress-codec.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import { convertInput } from './convert-input.ts';
import { convertToolChoice, convertTools } from './convert-tools.ts';
import { refuseStatefulFields, type HostedPolicy } from './refuse-unsupported.ts';
import { responsesRequestSchema, type ResponsesRequest } from './request-schema.ts';

/** The request fields a Response object repeats (docs/ingress-protocols.md §A2). */
export interface ResponseEcho extends JsonObject {
  instructions: string | null;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  text: JsonObject;
  reasoning: JsonObject;
}

export interface ResponsesState {
  echo: ResponseEcho;
  /** Custom (freeform) tools: their calls answer as `custom_tool_call{input}`. */
  customToolNames: ReadonlySet<string>;
  /** `include: ["reasoning.encrypted_content"]`: reasoning state goes back in reasoning items. */
  includeReasoningState: boolean;
  /** `reasoning.summary` set: the upstream's reasoning text goes back as a summary. */
  summarizeReasoning: boolean;
}

export interface ResponsesOptions {
  /** Config `drop_unsupported_tools`: hosted tools dropped with a warning header instead of a 400. */
  dropUnsupportedTools: boolean;
}

/** The header that lists the hosted tools and items dropped. */
export const droppedToolsHeader = 'x-sluice-dropped-tools';

function buildEcho(request: ResponsesRequest): ResponseEcho {
  const reasoning: JsonObject = { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? request.reasoning?.generate_summary ?? null };
  return {
    instructions: request.instructions ?? null,
    tools: [...(request.tools ?? [])],
    tool_choice: request.tool_choice ?? 'auto',
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: { ...request.metadata },
    text: { format: request.text?.format ?? { type: 'text' }, ...(request.text?.verbosity == null ? {} : { verbosity: request.text.verbosity }) },
    reasoning,
  };
}

function responseFormatOf(request: ResponsesRequest): JsonObject | undefined {
  const format = request.text?.format;
  if (format === undefined || format === null || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const { type: _type, ...schema } = format;
  return { type: 'json_schema', json_schema: Object.fromEntries(Object.entries(schema).filter(([, value]) => value !== null && value !== undefined)) };
}

/** The chat fields that only make sense with tools, and the tools themselves. */
function addTools(chat: ChatRequest, request: ResponsesRequest, toolLists: Parameters<typeof convertTools>[0], policy: HostedPolicy): Set<string> {
  const { tools, customNames } = convertTools([{ tools: request.tools ?? [], param: 'tools' }, ...toolLists], policy);
  const choice = request.tool_choice == null ? undefined : convertToolChoice(request.tool_choice, policy);
  if (tools.length === 0) return customNames;
  chat['tools'] = tools;
  if (choice !== undefined) chat['tool_choice'] = choice;
  if (request.parallel_tool_calls != null) chat['parallel_tool_calls'] = request.parallel_tool_calls;
  return customNames;
}

/** Sampling and limits, under their Chat names; absent fields stay absent. */
function addSettings(chat: ChatRequest, request: ResponsesRequest): void {
  // max_completion_tokens, not max_tokens: OpenAI's and Azure's reasoning models refuse max_tokens,
  // and every provider dialect reads both (providers/shared/read-messages.ts).
  if (request.max_output_tokens != null) chat['max_completion_tokens'] = request.max_output_tokens;
  if (request.temperature != null) chat['temperature'] = request.temperature;
  if (request.top_p != null) chat['top_p'] = request.top_p;
  if (request.reasoning?.effort != null) chat['reasoning_effort'] = request.reasoning.effort;
  if (request.user != null) chat['user'] = request.user;
  const responseFormat = responseFormatOf(request);
  if (responseFormat !== undefined) chat['response_format'] = responseFormat;
}

export function parseResponsesRequest(body: unknown, options: ResponsesOptions): ParsedIngress<ResponsesState> {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  refuseStatefulFields(body);
  const request = parseWith(responsesRequestSchema(), body);
  const policy: HostedPolicy = { drop: options.dropUnsupportedTools, dropped: new Set() };
  const { messages, toolLists } = convertInput(request.input, policy);
  const leading: ChatMessage[] = request.instructions == null || request.instructions === '' ? [] : [{ role: 'system', content: request.instructions }];
  if (messages.length === 0) {
    const empty = new GatewayError('invalid_request', "Invalid 'input': it holds no message to answer.", { param: 'input' });
    // Only hosted items: a channel that serves the Responses API may take it; a translated try has nothing to send.
    if (policy.dropped.size === 0) throw empty;
    policy.refusal ??= empty;
  }
  const stream = request.stream === true;
  const chat: ChatRequest = { model: request.model, messages: [...leading, ...messages], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
  const customToolNames = addTools(chat, request, toolLists, policy);
  addSettings(chat, request);
  const echo = buildEcho(request);
  if (policy.dropped.size > 0) echo.tools = echo.tools.filter((tool) => !isJsonObject(tool) || !policy.dropped.has(String(tool['type'])));
  const state: ResponsesState = {
    echo,
    customToolNames,
    includeReasoningState: request.include?.includes('reasoning.encrypted_content') === true,
    summarizeReasoning: echo.reasoning['summary'] !== null,
  };
  if (policy.dropped.size === 0) return { chat, state };
  return { chat, state, untranslatable: { refusal: policy.refusal, headers: { [droppedToolsHeader]: [...policy.dropped].join(',') } } };
}
