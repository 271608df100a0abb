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

/**
 * What a usage estimate reads of a request: each message's counted text (role, text content, name,
 * tool-call names and arguments), how many messages and names there are, and the tool definitions.
 * A held stream keeps this to its end instead of the whole request (images, audio, every other field,
 * the message objects): docs/benchmarks.md "Held stream, round seven".
 */
export interface PromptText {
  readonly texts: readonly string[];
  readonly messages: number;
  readonly names: number;
  readonly tools: readonly unknown[] | undefined;
}

function keepContent(content: unknown, texts: string[]): void {
  if (typeof content === 'string') {
    texts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (isJsonObject(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
}

/** Returns 1 when the message has a name (counted with its own overhead), else 0. */
function keepMessage(message: ChatMessage, texts: string[]): number {
  if (typeof message.role === 'string') texts.push(message.role);
  keepContent(message.content, texts);
  let names = 0;
  if (typeof message.name === 'string') {
    texts.push(message.name);
    names = 1;
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isJsonObject(call.function)) continue;
      if (typeof call.function.name === 'string') texts.push(call.function.name);
      if (typeof call.function.arguments === 'string') texts.push(call.function.arguments);
    }
  }
  return names;
}

/** The parts of `request` a usage estimate counts; no tokenizing here (that waits until an estimate is asked for). */
export function keepPromptText(request: ChatRequest): PromptText {
  const texts: string[] = [];
  let messages = 0;
  let names = 0;
  if (Array.isArray(request.messages)) {
    for (const message of request.messages) {
      if (!isJsonObject(message)) continue;
      messages += 1;
      names += keepMessage(message, texts);
    }
  }
  const tools = Array.isArray(request.tools) && request.tools.length > 0 ? request.tools : undefined;
  return { texts, messages, names, tools };
}

/**
 * Usage estimated with the o200k_base tokenizer (gpt-tokenizer's default): prompt = the messages'
 * text, names and tool-call arguments with OpenAI's per-message overhead, plus the tool definitions;
 * completion = `completionText`. Deterministic; exact only for OpenAI models, near enough for others.
 */
export function estimateUsageOf(prompt: PromptText, completionText: string): Usage {
  let promptTokens = tokensPerReply + prompt.messages * tokensPerMessage + prompt.names * tokensPerName;
  for (const text of prompt.texts) promptTokens += count(text);
  // Tool definitions are part of the prompt and often its largest part.
  if (prompt.tools !== undefined) promptTokens += count(JSON.stringify(prompt.tools));
  const completionTokens = count(completionText);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** `estimateUsageOf` the request's prompt text. */
export function estimateUsage(request: ChatRequest, completionText: string): Usage {
  return estimateUsageOf(keepPromptText(request), completionText);
}

/**
 * The estimate a stream makes at its end, from the completion's text. Made here, from the request's
 * prompt text only: a closure made where the request is would keep the request (and that scope's
 * other variables) as long as the stream is held.
 */
export function estimatorOf(request: ChatRequest): (completionText: string) => Usage {
  const prompt = keepPromptText(request);
  return (completionText) => estimateUsageOf(prompt, completionText);
}
