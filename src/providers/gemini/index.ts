import type { Provider } from '../types.ts';
import { buildChatRequest, geminiKeyHeader } from './build-request.ts';
import { parseGeminiError } from './parse-error.ts';
import { parseChatResponse } from './parse-response.ts';
import { createChatStreamParser } from './parse-stream.ts';

const defaultBaseUrl = 'https://generativelanguage.googleapis.com';

/**
 * Google's Generative Language API (Gemini). Usage always comes with the stream (`usageMetadata`),
 * so `streamOptions: true` means "usage available": no `stream_options` is ever sent.
 */
export const geminiProvider: Provider = {
  type: 'gemini',
  defaultBaseUrl,
  keyHeader: geminiKeyHeader,
  defaultCapabilities: { stream: 'supported', streamOptions: true, dropFields: [] },
  buildChatRequest: (request, target) => buildChatRequest(request, target, defaultBaseUrl),
  parseChatResponse,
  createChatStreamParser,
  parseError: parseGeminiError,
};
