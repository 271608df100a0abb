import type { Provider } from '../types.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import { buildChatRequest } from './build-request.ts';
import { openaiCompletions } from './completions.ts';
import { openaiEmbeddings } from './embeddings.ts';
import { openaiEndpoints } from './endpoints.ts';
import { parseChatResponse } from './parse-response.ts';
import { createChatStreamParser } from './parse-stream.ts';
import { createResponsesPassThrough } from './pass-through-responses.ts';
import { buildResponsesCall } from './build-request.ts';

const defaultBaseUrl = 'https://api.openai.com/v1';

/**
 * Headers OpenAI-compatible APIs read that hold no secret: OpenAI's beta, organization and project
 * (platform.openai.com/docs/api-reference/authentication), OpenRouter's attribution (openrouter.ai/docs/api-reference/overview).
 */
const plainHeaders = ['openai-beta', 'openai-organization', 'openai-project', 'http-referer', 'x-title'];

/** Any OpenAI-compatible upstream: OpenAI, xAI, DeepSeek, DashScope compatible mode, vLLM, TGI, … */
export const openaiProvider: Provider = {
  type: 'openai',
  defaultBaseUrl,
  plainHeaders,
  defaultCapabilities: { stream: 'supported', streamOptions: true, dropFields: [] },
  buildChatRequest: (request, target) => buildChatRequest(request, target, defaultBaseUrl),
  parseChatResponse,
  createChatStreamParser,
  parseError: parseErrorBody,
  embeddings: openaiEmbeddings(defaultBaseUrl),
  endpoints: openaiEndpoints(defaultBaseUrl),
  completions: openaiCompletions(defaultBaseUrl),
  passThrough: createResponsesPassThrough((target) => buildResponsesCall(target, defaultBaseUrl)),
};
