// Counts usage locally when the upstream gave none (no `stream_options` support, an interrupted stream,
// a replayed completion without usage): the client that asked for usage still gets it (docs/design.md 1).
import { countTokens } from './count-tokens.ts';
import { isJsonObject, type ChatMessage, type ChatRequest, type Usage } from '../core/chat.ts';

// OpenAI's counting recipe (openai-cookbook "How to count tokens with tiktoken"): every message costs
// about 3 tokens of framing, a `name` 1 more, and the reply is primed with 3.
const tokensPerMessage = 3;
const tokensPerName = 1;
const tokensPerReply = 3;

// User text may contain "<|endoftext|>" and the like; gpt-tokenizer throws on special tokens by
// default. Counting them as plain text is what OpenAI does with user content. Built once: this runs
// on every request.
const plainText = { disallowedSpecial: new Set<string>() };

function count(text: string): number {
  return text === '' ? 0 : countTokens(text, plainText);
}

function countContent(content: unknown): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content) {
    if (isJsonObject(part) && part.type === 'text' && typeof part.text === 'string') tokens += count(part.text);
  }
  return tokens;
}

function countMessage(message: ChatMessage): number {
  let tokens = tokensPerMessage;
  if (typeof message.role === 'string') tokens += count(message.role);
  tokens += countContent(message.content);
  if (typeof message.name === 'string') tokens += tokensPerName + count(message.name);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isJsonObject(call.function)) continue;
      if (typeof call.function.name === 'string') tokens += count(call.function.name);
      if (typeof call.function.arguments === 'string') tokens += count(call.function.arguments);
    }
  }
  return tokens;
}

/**
 * Usage estimated with the o200k_base tokenizer (gpt-tokenizer's default): prompt = the messages'
 * text, names and tool-call arguments with OpenAI's per-message overhead, plus the tool definitions;
 * completion = `completionText`. Deterministic; exact only for OpenAI models, near enough for others.
 */
export function estimateUsage(request: ChatRequest, completionText: string): Usage {
  let promptTokens = tokensPerReply;
  if (Array.isArray(request.messages)) {
    for (const message of request.messages) {
      if (isJsonObject(message)) promptTokens += countMessage(message);
    }
  }
  // Tool definitions are part of the prompt and often its largest part.
  if (Array.isArray(request.tools) && request.tools.length > 0) promptTokens += count(JSON.stringify(request.tools));
  const completionTokens = count(completionText);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
