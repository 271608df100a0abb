// OpenAI-compatible upstreams serve every endpoint of issue 18 under their base_url (`/v1/...`): OpenAI
// itself all but rerank, vLLM and TEI `/rerank` (and `/v1/rerank`), Jina and other hosted rerankers
// `/v1/rerank`. Which one a given upstream lacks it says with a 404 (docs/endpoints.md).
import { endpointPaths } from '../../core/endpoint.ts';
import type { EndpointDialect } from '../types.ts';
import { joinUrl } from './build-request.ts';

export function openaiEndpoints(defaultBaseUrl: string): EndpointDialect {
  return {
    serves: () => true,
    locate(endpoint, target) {
      const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity' };
      if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
      return { url: joinUrl(target.channel.baseUrl ?? defaultBaseUrl, endpointPaths[endpoint]), headers };
    },
  };
}
