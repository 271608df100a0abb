import { buildChatRequest } from '../openai/build-request.ts';
import { parseChatResponse } from '../openai/parse-response.ts';
import { createChatStreamParser } from '../openai/parse-stream.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';
import type { Provider } from '../types.ts';
import { answerLocally } from './answer-locally.ts';

const defaultBaseUrl = 'echo://local/v1';

/** Built in: streams the last user message back word by word, with usage. */
export const echoProvider: Provider = {
  type: 'echo',
  defaultBaseUrl,
  apiKeyOptional: true,
  defaultCapabilities: { stream: 'supported', streamOptions: true, dropFields: [] },
  buildChatRequest: (request, target) => buildChatRequest(request, target, defaultBaseUrl),
  parseChatResponse,
  createChatStreamParser,
  parseError: parseErrorBody,
  answerLocally,
};
