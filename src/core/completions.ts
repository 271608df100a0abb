// Canonical legacy Completions types: OpenAI's `POST /v1/completions` shapes (OpenAI API reference,
// "Completions"), loose like the chat ones: unknown fields pass through untouched.
import type { JsonObject, StreamOptions } from './chat.ts';

export interface CompletionsRequest extends JsonObject {
  model: string;
  /** A string, a list of strings, a token list, or a list of token lists. */
  prompt: unknown;
  stream?: boolean | null;
  stream_options?: StreamOptions | null;
}

/** A `text_completion` answer, or one chunk of a streamed one (`object` is `text_completion` in both). */
export interface TextCompletion extends JsonObject {
  object: 'text_completion';
  model: string;
  choices: JsonObject[];
}
