// Canonical embeddings types: OpenAI's /v1/embeddings shapes, loose like the chat ones.
import type { JsonObject } from './chat.ts';

export interface EmbeddingsRequest extends JsonObject {
  model: string;
  /** A string, a list of strings, a token list, or a list of token lists. */
  input: unknown;
}

export interface Embedding extends JsonObject {
  object: 'embedding';
  index: number;
  /** Floats, or a base64 string when the client asked for `encoding_format: base64`. */
  embedding: unknown;
}

export interface EmbeddingsResponse extends JsonObject {
  object: 'list';
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number } & JsonObject;
}
