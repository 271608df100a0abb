// Azure OpenAI embeddings: the OpenAI body on the deployment URL (with api_version) or the v1 URL.
import type { EmbeddingsRequest } from '../../core/embeddings.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { embeddingsHeaders, parseEmbeddingsResponse } from '../openai/embeddings.ts';
import type { EmbeddingsDialect, EmbeddingsTarget } from '../types.ts';
import { azureKeyHeader, buildAzureUrl, resourceRoot } from './build-request.ts';

export function buildEmbeddingsRequest(request: EmbeddingsRequest, target: EmbeddingsTarget): UpstreamRequest {
  return {
    url: buildAzureUrl(resourceRoot(target.channel), target.upstreamModel, target.channel.apiVersion, '/embeddings'),
    headers: embeddingsHeaders(target.apiKey === undefined ? {} : { [azureKeyHeader]: target.apiKey }),
    body: { ...request, model: target.upstreamModel },
  };
}

export const azureEmbeddings: EmbeddingsDialect = { buildRequest: buildEmbeddingsRequest, parseResponse: parseEmbeddingsResponse };
