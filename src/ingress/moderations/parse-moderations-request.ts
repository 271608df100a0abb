// The client's Moderations body (platform.openai.com/docs/api-reference/moderations/create) → the body
// relayed, or a 400 before anything is sent upstream. `input` is a string, an array of strings, or an
// array of multimodal parts (`{type: text, text}`, `{type: image_url, image_url: {url}}`, the
// omni-moderation models'). `model` is optional upstream; Sluice routes by model, so a body without
// one is routed (and sent) as `defaultModerationModel`, OpenAI's own default. Unknown fields pass through.
import * as z from 'zod';
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { buildOnce } from '../../lib/build-once.ts';
import { describeType, parseWith } from '../describe-issue.ts';

/** The model OpenAI uses when the body names none ("Defaults to omni-moderation-latest"). */
export const defaultModerationModel = 'omni-moderation-latest';

// Built on the first Moderations request, not at start (lib/build-once.ts).
const moderationsRequestSchema = buildOnce(() => {
  const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
  const imagePart = z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().min(1) }) });
  const input = z.union(
    [z.string(), z.array(z.string()).min(1), z.array(z.discriminatedUnion('type', [textPart, imagePart])).min(1)],
    { error: 'expected a string, a non-empty array of strings, or a non-empty array of text and image_url parts.' },
  );
  return z.looseObject({ model: z.string().min(1).nullish(), input });
});

export interface ModerationsRequest {
  model: string;
  body: JsonObject;
}

export function parseModerationsRequest(body: unknown): ModerationsRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  const parsed = parseWith(moderationsRequestSchema(), body);
  const model = parsed.model ?? defaultModerationModel;
  return { model, body: { ...body, model } };
}
