// Gemini `GenerateContentResponse` → canonical completion (ai.google.dev/api/generate-content).
// The same reading serves each streamed response (parse-stream.ts): text parts are content,
// `thought: true` parts are reasoning, `functionCall` parts are tool calls.
import type { AssistantMessage, ChatCompletion, CompletionChoice, JsonObject, ToolCall, Usage } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildUsage, countOf, type ChunkIdentity } from '../shared/build-chunk.ts';
import type { ParseContext } from '../types.ts';
import { blockedPromptError } from './parse-error.ts';

/** vercel/ai packages/google/src/map-google-generative-ai-finish-reason.ts, in OpenAI's words. */
const safetyReasons = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

export function mapFinishReason(reason: unknown, hasToolCalls: boolean): string {
  if (reason === 'STOP') return hasToolCalls ? 'tool_calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (typeof reason === 'string' && safetyReasons.has(reason)) return 'content_filter';
  // MALFORMED_FUNCTION_CALL, OTHER, …: kept visible rather than passed off as a clean stop.
  return typeof reason === 'string' && reason !== '' ? reason.toLowerCase() : 'stop';
}

/** `usageMetadata` is cumulative; thoughts are output tokens OpenAI reports as reasoning tokens. */
export function convertUsage(metadata: JsonObject): Usage {
  const thoughts = countOf(metadata.thoughtsTokenCount);
  const counts = {
    prompt: countOf(metadata.promptTokenCount),
    completion: countOf(metadata.candidatesTokenCount) + thoughts,
    cached: countOf(metadata.cachedContentTokenCount),
    reasoning: thoughts,
  };
  return buildUsage(typeof metadata.totalTokenCount === 'number' ? { ...counts, total: metadata.totalTokenCount } : counts);
}

export function identityOf(body: JsonObject, context: ParseContext): ChunkIdentity {
  return {
    id: typeof body.responseId === 'string' ? body.responseId : '',
    // No time in Gemini's answer: the arrival time relay/ passes in.
    created: context.receivedAt ?? 0,
    model: typeof body.modelVersion === 'string' ? body.modelVersion : '',
  };
}

export interface CandidateParts {
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
}

/**
 * Gemini gives calls no id (newer models may: `functionCall.id` wins): `call_<n>`, n counting the
 * candidate's calls from 0, stable for the same answer. Tool results map back by that id through
 * the assistant message (convert-contents.ts). A `thoughtSignature` rides along (convert-contents.ts).
 */
export function readParts(parts: unknown, firstCallIndex: number): CandidateParts {
  const read: CandidateParts = { content: '', reasoning: '', toolCalls: [] };
  for (const part of Array.isArray(parts) ? parts : []) {
    if (!isJsonObject(part)) continue;
    if (typeof part.text === 'string') {
      if (part.thought === true) read.reasoning += part.text;
      else read.content += part.text;
    }
    if (!isJsonObject(part.functionCall)) continue;
    const call = part.functionCall;
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${firstCallIndex + read.toolCalls.length}`;
    const toolCall: ToolCall = { id, type: 'function', function: { name: String(call.name), arguments: JSON.stringify(isJsonObject(call.args) ? call.args : {}) } };
    if (typeof part.thoughtSignature === 'string') toolCall.extra_content = { google: { thought_signature: part.thoughtSignature } };
    read.toolCalls.push(toolCall);
  }
  return read;
}

function candidateParts(candidate: JsonObject): unknown {
  return isJsonObject(candidate.content) ? candidate.content.parts : undefined;
}

function parseCandidate(value: unknown, position: number): CompletionChoice {
  const candidate = isJsonObject(value) ? value : {};
  const read = readParts(candidateParts(candidate), 0);
  const message: AssistantMessage = { role: 'assistant', content: read.content === '' && read.toolCalls.length > 0 ? null : read.content };
  if (read.reasoning !== '') message.reasoning_content = read.reasoning;
  if (read.toolCalls.length > 0) message.tool_calls = read.toolCalls;
  const index = typeof candidate.index === 'number' ? candidate.index : position;
  return { index, message, finish_reason: mapFinishReason(candidate.finishReason, read.toolCalls.length > 0), logprobs: null };
}

export function parseChatResponse(body: unknown, context: ParseContext): ChatCompletion {
  if (!isJsonObject(body)) {
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 without a Gemini response: ${String(body).slice(0, 200)}`, {
      upstream: { channel: context.channel, status: 200 },
    });
  }
  const blocked = blockedPromptError(body, context);
  if (blocked !== undefined) throw blocked;
  const candidates = Array.isArray(body.candidates) ? body.candidates : [];
  const completion: ChatCompletion = { ...identityOf(body, context), object: 'chat.completion', choices: candidates.map(parseCandidate) };
  if (isJsonObject(body.usageMetadata)) completion.usage = convertUsage(body.usageMetadata);
  return completion;
}
