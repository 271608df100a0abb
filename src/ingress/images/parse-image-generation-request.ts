// The client's image generation body (platform.openai.com/docs/api-reference/images/create) → the body
// relayed, or a 400 before anything is sent upstream: a `prompt`, `n` from 1 to 10, `response_format`
// url or b64_json, and the documented values of `size`, `quality`, `style`, `background`,
// `output_format`, `output_compression`, `moderation`. Which model takes which value (dall-e-3 only
// n=1, gpt-image-1 no response_format) is the upstream's to say: Sluice checks what no model accepts.
// `model` is optional upstream (its default depends on the other fields); Sluice routes by model, so
// it is required here. `stream: true` (gpt-image-1's partial images) is relayed as SSE.
import * as z from 'zod';
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import { lenientBoolean, lenientInteger } from '../lenient-values.ts';

/** Images per request: "Must be between 1 and 10" (the API reference's `n`). */
export const maxImagesPerRequest = 10;

// Built on the first image generation request, not at start (lib/build-once.ts).
const imageGenerationSchema = buildOnce(() => {
  /** `auto`, or width×height in pixels (`1024x1024`, `1536x1024`, `1792x1024`; newer models take other sizes). */
  const size = z.string().regex(/^(auto|\d{2,5}x\d{2,5})$/, { error: "expected 'auto' or a size such as '1024x1024'." });

  return z.looseObject({
    model: z.string().min(1),
    prompt: z.string().min(1),
    n: lenientInteger(1, maxImagesPerRequest).nullish(),
    size: size.nullish(),
    quality: z.enum(['auto', 'high', 'medium', 'low', 'hd', 'standard']).nullish(),
    response_format: z.enum(['url', 'b64_json']).nullish(),
    style: z.enum(['vivid', 'natural']).nullish(),
    background: z.enum(['transparent', 'opaque', 'auto']).nullish(),
    output_format: z.enum(['png', 'jpeg', 'webp']).nullish(),
    output_compression: lenientInteger(0, 100).nullish(),
    moderation: z.enum(['low', 'auto']).nullish(),
    partial_images: lenientInteger(0, 3).nullish(),
    stream: lenientBoolean.nullish(),
    user: z.string().nullish(),
  });
});

export interface ImageGenerationRequest {
  model: string;
  body: JsonObject;
  /** Images asked for (`n`, 1 when absent): what the request's units count. */
  count: number;
  stream: boolean;
}

export function parseImageGenerationRequest(body: unknown): ImageGenerationRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  const parsed = parseWith(imageGenerationSchema(), body);
  // The parsed body: a lenient `"n": "2"` goes upstream as the number 2; unknown fields as they came.
  return { model: parsed.model, body: parsed, count: parsed.n ?? 1, stream: parsed.stream === true };
}
