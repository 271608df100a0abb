// The client's Embeddings body (platform.openai.com/docs/api-reference/embeddings/create) → the
// internal request, or a 400 before anything is sent upstream. Unknown fields pass through.
import * as z from 'zod';
import { isJsonObject } from '../../core/chat.ts';
import type { EmbeddingsRequest } from '../../core/embeddings.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import { lenientInteger, wholeNumber } from '../lenient-values.ts';

// Built on the first Embeddings request, not at start (lib/build-once.ts).
const embeddingsRequestSchema = buildOnce(() => {
  /** A string, or a non-empty array of strings, of token ids, or of token-id arrays. */
  const input = z.union(
    [z.string().min(1), z.array(z.string()).min(1), z.array(wholeNumber(0)).min(1), z.array(z.array(wholeNumber(0)).min(1)).min(1)],
    { error: 'expected a non-empty string, or a non-empty array of strings, of token ids, or of token-id arrays.' },
  );

  return z.looseObject({
    model: z.string().min(1),
    input,
    encoding_format: z.enum(['float', 'base64']).nullish(),
    dimensions: lenientInteger(1).nullish(),
    user: z.string().nullish(),
  });
});

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  return parseWith(embeddingsRequestSchema(), body);
}
