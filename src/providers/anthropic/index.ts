import type { Provider } from '../types.ts';
import { anthropicKeyHeader, anthropicPlainHeaders, buildChatRequest } from './build-request.ts';
import { parseAnthropicError } from './parse-error.ts';
import { parseChatResponse } from './parse-response.ts';
import { createChatStreamParser } from './parse-stream.ts';
import { createMessagesPassThrough } from './pass-through-messages.ts';

const defaultBaseUrl = 'https://api.anthropic.com';

/**
 * Anthropic's Messages API. Usage always comes in the stream (message_start, message_delta), so
 * `streamOptions: true` here means "usage available": no `stream_options` is ever sent.
 */
export const anthropicProvider: Provider = {
  type: 'anthropic',
  defaultBaseUrl,
  keyHeader: anthropicKeyHeader,
  plainHeaders: anthropicPlainHeaders,
  defaultCapabilities: { stream: 'supported', streamOptions: true, dropFields: [] },
  buildChatRequest: (request, target) => buildChatRequest(request, target, defaultBaseUrl),
  parseChatResponse,
  createChatStreamParser,
  parseError: parseAnthropicError,
  passThrough: createMessagesPassThrough(defaultBaseUrl),
};
