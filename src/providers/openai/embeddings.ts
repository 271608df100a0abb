// OpenAI-compatible /embeddings: the client's body with the upstream model name; the answer is
// already OpenAI's, read loosely.
import { isJsonObject } from '../../core/chat.ts';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/embeddings.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import type { EmbeddingsDialect, EmbeddingsTarget, ParseContext } from '../types.ts';
import { joinUrl } from './build-request.ts';

export function embeddingsHeaders(apiKeyHeader: Record<string, string>): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', 'accept-encoding': 'identity', ...apiKeyHeader };
}

export function buildEmbeddingsRequest(request: EmbeddingsRequest, target: EmbeddingsTarget, defaultBaseUrl: string): UpstreamRequest {
  return {
    url: joinUrl(target.channel.baseUrl ?? defaultBaseUrl, '/embeddings'),
    headers: embeddingsHeaders(target.apiKey === undefined ? {} : { authorization: `Bearer ${target.apiKey}` }),
    body: { ...request, model: target.upstreamModel },
  };
}

export function parseEmbeddingsResponse(body: unknown, context: ParseContext): EmbeddingsResponse {
  if (!isJsonObject(body) || !Array.isArray(body.data)) {
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 without embeddings: ${JSON.stringify(body)?.slice(0, 200) ?? ''}`, {
      upstream: { channel: context.channel, status: 200 },
    });
  }
  const usage = isJsonObject(body.usage) ? body.usage : {};
  const promptTokens = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
  return {
    ...body,
    object: 'list',
    model: typeof body.model === 'string' ? body.model : '',
    data: body.data.map((item, index) => ({ ...(isJsonObject(item) ? item : {}), object: 'embedding', index: isJsonObject(item) && typeof item.index === 'number' ? item.index : index, embedding: isJsonObject(item) ? item.embedding : undefined })),
    usage: { ...usage, prompt_tokens: promptTokens, total_tokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : promptTokens },
  };
}

export function openaiEmbeddings(defaultBaseUrl: string): EmbeddingsDialect {
  return { buildRequest: (request, target) => buildEmbeddingsRequest(request, target, defaultBaseUrl), parseResponse: parseEmbeddingsResponse };
}
