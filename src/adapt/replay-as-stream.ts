// Replays one chat.completion as a well-formed chunk stream: how Sluice serves a streaming client from
// an upstream model that refuses `stream: true` (o3-mini on some deployments, o1 at launch; docs/design.md problem 4).
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChunkChoice,
  ChunkDelta,
  CompletionChoice,
  JsonObject,
  ToolCall,
} from '../core/chat.ts';
import { defaultPieceSize, splitIntoPieces } from './split-into-pieces.ts';

export interface ReplayOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** max characters per content delta */
  pieceSize?: number;
}

/**
 * The chunks a streaming upstream would have sent for `completion`, choice by choice: a role chunk,
 * reasoning, content, refusal, tool calls (a head fragment, then the arguments in pieces), a finish
 * chunk; then with `includeUsage` one `choices: []` usage chunk.
 *
 * When `includeUsage` is set but the completion has no usage, no usage chunk is produced: the caller
 * appends one with an estimate (ClientStreamShaper.finish does exactly that).
 */
export function replayAsStream(completion: ChatCompletion, options: ReplayOptions): ChatCompletionChunk[] {
  const pieceSize = options.pieceSize ?? defaultPieceSize;
  const chunk = chunkFactory(completion, options.includeUsage);
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    for (const delta of replayDeltas(choice, pieceSize)) {
      chunks.push(chunk([{ index: choice.index, delta, logprobs: null, finish_reason: null }]));
    }
    chunks.push(
      chunk([{ index: choice.index, delta: {}, logprobs: choice.logprobs ?? null, finish_reason: choice.finish_reason }]),
    );
  }
  if (options.includeUsage && completion.usage != null) {
    const usageChunk = chunk([]);
    usageChunk.usage = completion.usage;
    chunks.push(usageChunk);
  }
  return chunks;
}

function chunkFactory(
  completion: ChatCompletion,
  includeUsage: boolean,
): (choices: ChunkChoice[]) => ChatCompletionChunk {
  const shared: JsonObject = {};
  if (completion.system_fingerprint !== undefined) shared.system_fingerprint = completion.system_fingerprint;
  if (completion.service_tier !== undefined) shared.service_tier = completion.service_tier;
  return (choices) => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      ...shared,
      choices,
    };
    // OpenAI: with include_usage every chunk but the last carries `usage: null`; without it there is
    // no `usage` key at all (docs/wire-formats.md 1.3).
    if (includeUsage) chunk.usage = null;
    return chunk;
  };
}

function replayDeltas(choice: CompletionChoice, pieceSize: number): ChunkDelta[] {
  const message = choice.message;
  const role = typeof message.role === 'string' && message.role !== '' ? message.role : 'assistant';
  const deltas: ChunkDelta[] = [{ role, content: '' }];
  for (const piece of textPieces(message.reasoning_content, pieceSize)) deltas.push({ reasoning_content: piece });
  // As a streaming upstream gives it: the reasoning state when its reasoning ends (issue 14).
  if (message.reasoning_state !== undefined) deltas.push({ reasoning_state: message.reasoning_state });
  for (const piece of textPieces(message.content, pieceSize)) deltas.push({ content: piece });
  for (const piece of textPieces(message.refusal, pieceSize)) deltas.push({ refusal: piece });
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call, index) => {
      deltas.push(...toolCallDeltas(call, index, pieceSize));
    });
  }
  return deltas;
}

function textPieces(text: unknown, pieceSize: number): string[] {
  return typeof text === 'string' ? splitIntoPieces(text, pieceSize) : [];
}

/** OpenAI's shape: a head fragment with id, type, name and empty arguments, then argument pieces. */
function toolCallDeltas(call: ToolCall, index: number, pieceSize: number): ChunkDelta[] {
  const { id, type, function: fn, ...extra } = call;
  const head: ChunkDelta = {
    tool_calls: [{ ...extra, index, id, type, function: { name: fn.name, arguments: '' } }],
  };
  const pieces = textPieces(fn.arguments, pieceSize).map(
    (piece): ChunkDelta => ({ tool_calls: [{ index, function: { arguments: piece } }] }),
  );
  return [head, ...pieces];
}
