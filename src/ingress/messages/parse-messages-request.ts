// A Messages request body (POST /v1/messages and /count_tokens) → the internal chat request
// (docs/ingress-protocols.md §A5, §D3). `max_tokens` is required on /v1/messages, as Anthropic
// requires it; count_tokens takes the same body without it.
import { isJsonObject, type ChatRequest, type JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { Untranslatable } from '../../core/ingress-codec.ts';
import { describeType } from '../describe-issue.ts';
import { convertTools, convertToolChoice } from './convert-tools.ts';
import { convertSystem, convertTurns } from './convert-turns.ts';
import { readArray, readObject, readOptionalString, readPositiveInteger, readString, refuseField } from './read-fields.ts';
import { UnsupportedFeatures } from './unsupported-features.ts';

/** What the answer needs from the request. */
export interface MessagesState {
  /** The model name the client asked for: every answer carries it. */
  model: string;
  /** The client's stop sequences: a `stop` finish names the one that matched when the text shows it. */
  stopSequences: readonly string[];
}

export interface ParsedMessages {
  chat: ChatRequest;
  state: MessagesState;
  /** Server tools and hosted features left out of `chat`: sent as written only to Anthropic. */
  untranslatable?: Untranslatable;
}

export interface MessagesParseOptions {
  /** Drop Anthropic's server tools and hosted features instead of refusing them (config `drop_unsupported_tools`). */
  dropUnsupportedTools: boolean;
  /** /v1/messages needs `max_tokens`; count_tokens does not. */
  requireMaxTokens: boolean;
}

const efforts: Readonly<Record<string, string>> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' };

/** Thinking budgets at or above these are `medium` and `high` effort (Google's effort ↔ budget table, src/providers/gemini/build-request.ts). */
const mediumBudget = 8192;
const highBudget = 24_576;

/** `output_config.effort`, else an enabled thinking budget, as Chat's `reasoning_effort`. */
function readReasoningEffort(body: JsonObject): string | undefined {
  const config = body.output_config === undefined || body.output_config === null ? {} : readObject(body.output_config, 'output_config');
  const effort = readOptionalString(config.effort, 'output_config.effort');
  if (effort !== undefined) return efforts[effort] ?? refuseField('output_config.effort', `output_config.effort: expected one of ${Object.keys(efforts).join(', ')}, got '${effort.slice(0, 40)}'.`);
  if (body.thinking === undefined || body.thinking === null) return undefined;
  const thinking = readObject(body.thinking, 'thinking');
  if (thinking.type !== 'enabled') return undefined;
  const budget = readPositiveInteger(thinking.budget_tokens, 'thinking.budget_tokens');
  return budget >= highBudget ? 'high' : budget >= mediumBudget ? 'medium' : 'low';
}

function readStopSequences(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return readArray(value, 'stop_sequences').map((entry, index) => readString(entry, `stop_sequences[${index}]`));
}

/** Fields Chat has under the same name and meaning. */
function copySampling(body: JsonObject, chat: ChatRequest): void {
  for (const field of ['temperature', 'top_p'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') refuseField(field, `${field}: expected a number, got ${describeType(value)}.`);
    chat[field] = value;
  }
}

export function parseMessagesRequest(body: unknown, options: MessagesParseOptions): ParsedMessages {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  const model = readString(body.model, 'model');
  if (model === '') refuseField('model', 'model: must not be empty.');
  const unsupported = new UnsupportedFeatures(options.dropUnsupportedTools);
  if (body.container !== undefined && body.container !== null) unsupported.leaveOut('container', 'container', 'a code-execution `container`');
  if (Array.isArray(body.mcp_servers) ? body.mcp_servers.length > 0 : body.mcp_servers !== undefined && body.mcp_servers !== null) {
    unsupported.leaveOut('mcp_servers', 'mcp_servers', 'Anthropic-hosted MCP (`mcp_servers`)');
  }
  const messages = [...convertSystem(body.system), ...convertTurns(body.messages, unsupported)];
  const chat: ChatRequest = { model, messages };
  if (body.max_tokens !== undefined || options.requireMaxTokens) chat.max_tokens = readPositiveInteger(body.max_tokens, 'max_tokens');
  const stopSequences = readStopSequences(body.stop_sequences);
  if (stopSequences.length > 0) chat.stop = stopSequences;
  copySampling(body, chat);
  const tools = convertTools(body.tools, unsupported);
  if (tools.tools.length > 0) chat.tools = tools.tools;
  Object.assign(chat, convertToolChoice(body.tool_choice, tools, unsupported));
  const metadata = body.metadata === undefined || body.metadata === null ? {} : readObject(body.metadata, 'metadata');
  const user = readOptionalString(metadata.user_id, 'metadata.user_id');
  if (user !== undefined) chat.user = user;
  const effort = readReasoningEffort(body);
  if (effort !== undefined) chat.reasoning_effort = effort;
  if (body.stream === true) {
    chat.stream = true;
    // The encoder's message_delta needs usage: the upstream's, or Sluice's count (src/server/chat-route.ts).
    chat.stream_options = { include_usage: true };
  } else if (body.stream !== undefined && body.stream !== null && body.stream !== false) {
    refuseField('stream', `stream: expected a boolean, got ${describeType(body.stream)}.`);
  }
  const untranslatable = unsupported.untranslatable();
  return { chat, state: { model, stopSequences }, ...(untranslatable === undefined ? {} : { untranslatable }) };
}
