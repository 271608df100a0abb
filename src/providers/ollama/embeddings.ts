// Ollama's native `POST /api/embed` (ollama/ollama docs/api.md "Generate Embeddings"):
// `{model, input}` → `{model, embeddings: [[…]], prompt_eval_count}`; answered in OpenAI's shape.
import { isJsonObject } from '../../core/chat.ts';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/embeddings.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { joinUrl } from '../openai/build-request.ts';
import { embeddingsHeaders } from '../openai/embeddings.ts';
import type { EmbeddingsDialect, EmbeddingsTarget, ParseContext } from '../types.ts';

export function buildEmbeddingsRequest(request: EmbeddingsRequest, target: EmbeddingsTarget, defaultBaseUrl: string): UpstreamRequest {
  const body = { model: target.upstreamModel, input: request.input, ...(typeof request.dimensions === 'number' ? { dimensions: request.dimensions } : {}) };
  return { url: joinUrl(target.channel.baseUrl ?? defaultBaseUrl, '/api/embed'), headers: embeddingsHeaders(target.apiKey === undefined ? {} : { authorization: `Bearer ${target.apiKey}` }), body };
}

export function parseEmbeddingsResponse(body: unknown, context: ParseContext): EmbeddingsResponse {
  if (!isJsonObject(body) || !Array.isArray(body.embeddings)) {
    throw new GatewayError('upstream_bad_response', `${context.channel} answered 200 without embeddings: ${JSON.stringify(body)?.slice(0, 200) ?? ''}`, {
      upstream: { channel: context.channel, status: 200 },
    });
  }
  const promptTokens = typeof body.prompt_eval_count === 'number' ? body.prompt_eval_count : 0;
  return {
    object: 'list',
    model: typeof body.model === 'string' ? body.model : '',
    data: body.embeddings.map((embedding: unknown, index) => ({ object: 'embedding' as const, index, embedding })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export function ollamaEmbeddings(defaultBaseUrl: string): EmbeddingsDialect {
  return { buildRequest: (request, target) => buildEmbeddingsRequest(request, target, defaultBaseUrl), parseResponse: parseEmbeddingsResponse };
}
