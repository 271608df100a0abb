// Canonical chat types: the OpenAI Chat Completions shapes, owned by Sluice and loose.
// Unknown fields pass through untouched, so every type keeps an index signature.

export type JsonObject = { [key: string]: unknown };

export interface ToolCallFunction extends JsonObject {
  name: string;
  arguments: string;
}

export interface ToolCall extends JsonObject {
  id: string;
  type: string;
  function: ToolCallFunction;
}

/**
 * The opaque reasoning state of one assistant turn (issue 14): what a dialect needs back to continue a
 * turn it reasoned in (Anthropic: thinking blocks with their signatures, redacted thinking), kept as
 * that dialect's own blocks. `family` names the dialect that made it: the state goes back only to
 * that family and is dropped for any other. Never written into Chat Completions frames.
 */
export interface ReasoningState extends JsonObject {
  family: string;
  blocks: JsonObject[];
}

export interface ChatMessage extends JsonObject {
  role: string;
  content?: unknown;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  /** On an assistant message given back by a Responses or Messages client (issue 14). */
  reasoning_state?: ReasoningState;
}

export interface StreamOptions extends JsonObject {
  include_usage?: boolean;
}

export interface ChatRequest extends JsonObject {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: StreamOptions | null;
  n?: number;
}

export interface Usage extends JsonObject {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens written to a prompt cache (Anthropic channels; counted in `prompt_tokens`). */
  cache_creation_input_tokens?: number;
}

export interface AssistantMessage extends JsonObject {
  role: string;
  content: string | null;
  reasoning_content?: string;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  /** Issue 14: kept for Responses/Messages clients, never in a Chat Completions answer. */
  reasoning_state?: ReasoningState;
}

export interface CompletionChoice extends JsonObject {
  index: number;
  message: AssistantMessage;
  finish_reason: string | null;
  logprobs?: unknown;
}

export interface ChatCompletion extends JsonObject {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: Usage | null;
}

export interface ToolCallDelta extends JsonObject {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string } & JsonObject;
}

export interface ChunkDelta extends JsonObject {
  role?: string;
  content?: string | null;
  /** DeepSeek, DashScope, xAI. */
  reasoning_content?: string | null;
  /** vLLM ≥ Oct 2025 (vllm-project/vllm#27752) and Ollama's OpenAI endpoint. */
  reasoning?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[] | null;
  /** Issue 14: a completed reasoning state (e.g. a thinking block and its signature), never in a Chat Completions frame. */
  reasoning_state?: ReasoningState;
}

export interface ChunkChoice extends JsonObject {
  index: number;
  /** Absent on Azure content-filter annotation chunks (docs/wire-formats.md 2.1). */
  delta?: ChunkDelta;
  finish_reason?: string | null;
  logprobs?: unknown;
}

export interface ChatCompletionChunk extends JsonObject {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
}

/** `units`: no tokens reported; the request's configured units (issue 18's endpoints, docs/endpoints.md "Units"). */
export type UsageSource = 'upstream' | 'estimated' | 'units';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An OpenAI `chat.completion.chunk` event left as the upstream's text because nothing in it needs a
 * change but the model name (issue 13: bytes pass through without JSON.parse/JSON.stringify). The
 * text is compact JSON in the form JSON.stringify writes, so splicing it gives the same bytes as
 * parsing and re-encoding it would. Offsets are UTF-16 indexes into that text.
 */
export interface PlainChunk {
  /** The model value's quotes included: replaced by the client's model name. */
  modelStart: number;
  modelEnd: number;
  /** `,"usage":null` when present (the comma before it included), else both -1. */
  usageStart: number;
  usageEnd: number;
  id: string;
  created: number;
  /** The `system_fingerprint` string, or undefined when absent or null. */
  systemFingerprint: string | undefined;
  /** Generated text (content, reasoning, refusal) of every choice, for local token counting. */
  text: string;
  /** How many choices it carries (at least 1). */
  choices: number;
  /** A choice carries a finish reason (one the parser hands on unchanged). */
  finishes: boolean;
}

/** A chunk that repeats the last plain one but for its content string: that choice's index and the new content. */
export interface PlainContent {
  index: number;
  content: string;
}
