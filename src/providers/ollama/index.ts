import { parseErrorBody } from '../shared/parse-error-body.ts';
import type { Provider } from '../types.ts';
import { buildChatRequest } from './build-request.ts';
import { openaiCompletions } from '../openai/completions.ts';
import { ollamaEmbeddings } from './embeddings.ts';
import { parseChatResponse } from './parse-response.ts';
import { createChatStreamParser } from './parse-stream.ts';

const defaultBaseUrl = 'http://localhost:11434';

/**
 * Ollama's native API (`/api/chat`, NDJSON when streaming). Errors are `{"error": "…"}`, which the
 * shared error reader takes. The counts come with every answer, so `streamOptions: true` means
 * "usage available": no `stream_options` is ever sent.
 */
export const ollamaProvider: Provider = {
  type: 'ollama',
  defaultBaseUrl,
  apiKeyOptional: true,
  defaultCapabilities: { stream: 'supported', streamOptions: true, dropFields: [] },
  buildChatRequest: (request, target) => buildChatRequest(request, target, defaultBaseUrl),
  parseChatResponse,
  createChatStreamParser,
  parseError: parseErrorBody,
  embeddings: ollamaEmbeddings(defaultBaseUrl),
  // Ollama's OpenAI compatibility (docs.ollama.com/openai): `/v1/completions` beside the native API.
  completions: openaiCompletions(defaultBaseUrl, '/v1/completions'),
};
