// OpenAI chat request → Gemini `generateContent` / `streamGenerateContent?alt=sse` request
// (ai.google.dev/api/generate-content). Gemini rejects unknown fields ("Invalid JSON payload
// received. Unknown name …"), so the body is rebuilt from the fields it knows.
import type { ChatRequest, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { joinUrl } from '../openai/build-request.ts';
import { definedFields, readMaxTokens, readStopSequences } from '../shared/read-messages.ts';
import type { UpstreamTarget } from '../types.ts';
import { convertContents } from './convert-contents.ts';

/** The Generative Language API takes the key in `x-goog-api-key` (or `?key=`, which Sluice never sends). */
export const geminiKeyHeader = 'x-goog-api-key';

/**
 * `reasoning_effort` → thinking budget as Google's OpenAI-compatible endpoint maps it (low 1,024,
 * medium 8,192, high 24,576 tokens; "none" turns thinking off), with the thoughts returned
 * (ai.google.dev/gemini-api/docs/openai, quoted in Portkey-AI/docs-core#677).
 */
const thinkingBudgets: Record<string, number> = { none: 0, minimal: 1024, low: 1024, medium: 8192, high: 24576 };

function thinkingConfig(effort: unknown): JsonObject | undefined {
  const budget = typeof effort === 'string' ? thinkingBudgets[effort] : undefined;
  if (budget === undefined) return undefined;
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}

function responseFormat(format: unknown): JsonObject {
  if (!isJsonObject(format)) return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  if (format.type !== 'json_schema' || !isJsonObject(format.json_schema)) return {};
  return { responseMimeType: 'application/json', responseJsonSchema: format.json_schema.schema };
}

function generationConfig(request: ChatRequest): JsonObject | undefined {
  const config = definedFields({
    temperature: request.temperature,
    topP: request.top_p,
    topK: request.top_k,
    maxOutputTokens: readMaxTokens(request),
    stopSequences: readStopSequences(request.stop),
    candidateCount: request.n,
    presencePenalty: request.presence_penalty,
    frequencyPenalty: request.frequency_penalty,
    seed: request.seed,
    ...responseFormat(request.response_format),
    thinkingConfig: thinkingConfig(request.reasoning_effort),
  });
  return Object.keys(config).length === 0 ? undefined : config;
}

/** `parametersJsonSchema` takes JSON Schema as clients write it; `parameters` takes only an OpenAPI subset. */
function convertTools(tools: unknown): JsonObject[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const declarations = tools.filter(isJsonObject).map((tool) => {
    const fn = isJsonObject(tool.function) ? tool.function : tool;
    return definedFields({ name: fn.name, description: fn.description, parametersJsonSchema: fn.parameters });
  });
  return [{ functionDeclarations: declarations }];
}

export function convertToolChoice(choice: unknown): JsonObject | undefined {
  let config: JsonObject | undefined;
  if (choice === 'auto') config = { mode: 'AUTO' };
  else if (choice === 'none') config = { mode: 'NONE' };
  else if (choice === 'required') config = { mode: 'ANY' };
  else if (isJsonObject(choice) && isJsonObject(choice.function)) config = { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  return config === undefined ? undefined : { functionCallingConfig: config };
}

export function buildGenerateBody(request: ChatRequest): JsonObject {
  const { systemInstruction, contents } = convertContents(request.messages);
  const tools = convertTools(request.tools);
  return definedFields({
    systemInstruction,
    contents,
    tools,
    toolConfig: tools === undefined ? undefined : convertToolChoice(request.tool_choice),
    generationConfig: generationConfig(request),
  });
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; a full resource name (`tunedModels/…`) stays. */
export function modelResource(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}

/**
 * base_url is the API root, https://generativelanguage.googleapis.com; a root that already names
 * an API version (`…/v1`) keeps it. Streams use `alt=sse`: without it Gemini streams one JSON array.
 */
export function buildChatUrl(baseUrl: string, model: string, stream: boolean): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  const versioned = /\/v1(beta\d*|alpha)?$/.test(trimmed) ? trimmed : `${trimmed}/v1beta`;
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return joinUrl(versioned, `/${modelResource(model)}:${method}`);
}

export function buildChatRequest(request: ChatRequest, target: UpstreamTarget, defaultBaseUrl: string): UpstreamRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: target.stream ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
  };
  if (target.apiKey !== undefined) headers[geminiKeyHeader] = target.apiKey;
  return {
    url: buildChatUrl(target.channel.baseUrl ?? defaultBaseUrl, target.upstreamModel, target.stream),
    headers,
    body: buildGenerateBody(request),
  };
}
