// The HTTP edge reads a chat request loosely: the fields Sluice uses are checked, the rest pass
// through untouched. Some clients send `"stream": "true"` or `"max_tokens": "100"`; those are
// coerced. A really wrong type is a 400 naming the field.
import type { ChatRequest } from '../core/chat.ts';
import { isJsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';

type FieldKind = 'boolean' | 'number' | 'integer' | 'object' | 'array' | 'string';

/** Fields with a known type; everything else passes through as sent. */
const fieldKinds: Readonly<Record<string, FieldKind>> = {
  stream: 'boolean',
  logprobs: 'boolean',
  parallel_tool_calls: 'boolean',
  store: 'boolean',
  max_tokens: 'integer',
  max_completion_tokens: 'integer',
  n: 'integer',
  seed: 'integer',
  top_logprobs: 'integer',
  temperature: 'number',
  top_p: 'number',
  presence_penalty: 'number',
  frequency_penalty: 'number',
  stream_options: 'object',
  tools: 'array',
  user: 'string',
};

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

export function coerceField(name: string, kind: FieldKind, value: unknown): unknown {
  if (value === null) return value;
  switch (kind) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      break;
    case 'number':
    case 'integer': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number === 'number' && Number.isFinite(number) && (kind === 'number' || Number.isInteger(number))) return number;
      break;
    }
    case 'object':
      if (isJsonObject(value)) return value;
      break;
    case 'array':
      if (Array.isArray(value)) return value;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
  }
  const expected = kind === 'integer' ? 'an integer' : kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
  throw invalid(name, `'${name}' must be ${expected}, got ${describe(value)}.`);
}

function validateMessages(messages: unknown): void {
  if (!Array.isArray(messages)) throw invalid('messages', `'messages' must be an array of messages, got ${describe(messages)}.`);
  if (messages.length === 0) throw invalid('messages', "'messages' must contain at least one message.");
  messages.forEach((message, index) => {
    if (!isJsonObject(message)) throw invalid(`messages[${index}]`, `'messages[${index}]' must be an object, got ${describe(message)}.`);
    if (typeof message.role !== 'string') throw invalid(`messages[${index}].role`, `'messages[${index}].role' must be a string.`);
  });
}

export function validateChatRequest(body: unknown): ChatRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describe(body)}.`);
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model', "'model' is required and must be a non-empty string.");
  validateMessages(body.messages);
  const request: Record<string, unknown> = { ...body };
  for (const [name, kind] of Object.entries(fieldKinds)) {
    if (request[name] !== undefined) request[name] = coerceField(name, kind, request[name]);
  }
  if (request.stream_options !== undefined && request.stream_options !== null) {
    const options = request.stream_options as Record<string, unknown>;
    if (options.include_usage !== undefined) {
      request.stream_options = { ...options, include_usage: coerceField('stream_options.include_usage', 'boolean', options.include_usage) };
    }
  }
  return request as ChatRequest;
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${detail}`);
  }
}
