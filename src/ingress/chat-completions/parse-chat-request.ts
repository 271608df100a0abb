// The client's Chat Completions body → the internal chat request, or a 400 in OpenAI's words before
// anything is sent upstream (issue 12, item 1).
import type { ChatRequest } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import { describeType, parseWith } from '../describe-issue.ts';
import { parseCommonChatRequest } from './parse-common-chat-request.ts';
import { chatRequestSchema } from './request-schema.ts';

export function parseChatRequest(body: unknown): ChatRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${describeType(body)}.`);
  // The common shapes without zod; anything else, refusals included, is the schema's to judge and word.
  const request = parseCommonChatRequest(body) ?? parseWith(chatRequestSchema(), body);
  // OpenAI's and Azure's own words for this refusal (quoted in BerriAI/litellm#5803).
  if (request.stream !== true && request.stream_options !== undefined && request.stream_options !== null) {
    throw new GatewayError('invalid_request', "The 'stream_options' parameter is only allowed when 'stream' is enabled.", { param: 'stream_options' });
  }
  return request as ChatRequest;
}
