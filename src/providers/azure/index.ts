import { parseChatResponse } from '../openai/parse-response.ts';
import { createChatStreamParser } from '../openai/parse-stream.ts';
import type { Provider } from '../types.ts';
import { createResponsesPassThrough } from '../openai/pass-through-responses.ts';
import { azureKeyHeader, buildChatRequest, buildResponsesCall, servesResponses } from './build-request.ts';
import { azureCompletions } from './completions.ts';
import { azureEmbeddings } from './embeddings.ts';
import { azureEndpoints } from './endpoints.ts';
import { parseAzureError } from './parse-error.ts';

/**
 * Azure OpenAI. Answers are OpenAI's, with Azure's extras that the OpenAI parsers and the client
 * shaping already pass or drop: the prompt-filter preamble chunk (empty `id`, `model`, `choices`),
 * annotation chunks without `delta` after the finish, and `finish_reason: content_filter` when
 * the filter stops a stream (docs/wire-formats.md 2.1). No default base_url: every resource has its own.
 */
export const azureProvider: Provider = {
  type: 'azure',
  defaultBaseUrl: undefined,
  keyHeader: azureKeyHeader,
  versionInQuery: true,
  defaultCapabilities: { stream: 'supported', streamOptions: true, dropFields: [] },
  buildChatRequest,
  parseChatResponse,
  createChatStreamParser,
  parseError: parseAzureError,
  embeddings: azureEmbeddings,
  endpoints: azureEndpoints,
  completions: azureCompletions,
  passThrough: createResponsesPassThrough(buildResponsesCall, servesResponses),
};
