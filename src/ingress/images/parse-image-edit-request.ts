// The client's multipart form for POST /v1/images/edits (OpenAI's API reference, "Create image edit";
// the openai SDK's resources/images.d.ts ImageEditParams) → the call to relay, or a 400 before
// anything is sent. `image` (one) or `image[]` (several, as the SDK sends an array), `mask` at most
// one; unknown fields pass through. `stream: true` (gpt-image-1's partial images) is relayed as SSE.
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { parseWith } from '../describe-issue.ts';
import type { ParsedEndpointRequest } from '../endpoint-request.ts';
import { lenientBoolean, lenientInteger } from '../lenient-values.ts';
import { filesNamed, readFormObject } from '../multipart/read-form-object.ts';
import type { MultipartForm } from '../multipart/parse-multipart.ts';

/** gpt-image-1 takes up to 16 input images (API reference, `image`). */
export const maxEditImages = 16;
/** gpt-image-1's prompt limit in characters (dall-e-2's is 1,000; the upstream judges per model). */
export const maxEditPromptCharacters = 32_000;

// Built on the first image edit, not at start (lib/build-once.ts).
const imageEditSchema = buildOnce(() =>
  z.looseObject({
    // Routing needs a model: unlike OpenAI (which defaults to dall-e-2), Sluice asks for one.
    model: z.string().min(1),
    prompt: z.string().min(1).max(maxEditPromptCharacters),
    n: lenientInteger(1, 10).optional(),
    size: z.string().regex(/^(auto|\d{2,5}x\d{2,5})$/, { message: "expected 'auto' or WIDTHxHEIGHT" }).optional(),
    response_format: z.enum(['url', 'b64_json']).optional(),
    quality: z.enum(['standard', 'low', 'medium', 'high', 'auto', 'hd']).optional(),
    background: z.enum(['transparent', 'opaque', 'auto']).optional(),
    output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
    output_compression: lenientInteger(0, 100).optional(),
    input_fidelity: z.enum(['high', 'low']).optional(),
    partial_images: lenientInteger(0, 3).optional(),
    stream: lenientBoolean.optional(),
  }),
);

export function parseImageEditRequest(form: MultipartForm): ParsedEndpointRequest {
  const images = filesNamed(form, ['image', 'image[]']);
  if (images.length === 0) throw new GatewayError('invalid_request', "Missing required parameter: 'image' (one image file, or several as 'image[]').", { param: 'image' });
  if (images.length > maxEditImages) throw new GatewayError('invalid_request', `At most ${maxEditImages} images may be edited at once; got ${images.length}.`, { param: 'image' });
  if (filesNamed(form, ['mask']).length > 1) throw new GatewayError('invalid_request', "Only one 'mask' may be sent.", { param: 'mask' });
  const request = parseWith(imageEditSchema(), readFormObject(form));
  const stream = request.stream === true;
  return {
    model: request.model,
    body: { kind: 'multipart', fields: form.fields, files: form.files },
    answer: stream ? 'streamed' : 'whole',
    clientStream: stream,
    defaultContentType: stream ? 'text/event-stream' : 'application/json',
  };
}
