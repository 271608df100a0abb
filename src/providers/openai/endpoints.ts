// OpenAI-compatible upstreams serve every endpoint of issue 18 under their base_url (`/v1/...`): OpenAI
// itself all but rerank, vLLM and TEI `/rerank` (and `/v1/rerank`), Jina and other hosted rerankers
// `/v1/rerank`. Which one a given upstream lacks it says with a 404 (docs/endpoints.md). A channel's
// `paths` moves an endpoint: a path after base_url, or a whole URL (TEI's `/rerank` at its root while
// its OpenAI routes are under `/v1`).
import { endpointPaths } from '../../core/endpoint.ts';
import type { EndpointDialect } from '../types.ts';
import { joinUrl } from './build-request.ts';

export function openaiEndpoints(defaultBaseUrl: string): EndpointDialect {
  return {
    serves: () => true,
    locate(endpoint, target) {
      const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity' };
      if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
      const path = target.channel.endpointPaths?.[endpoint] ?? endpointPaths[endpoint];
      return { url: path.startsWith('/') ? joinUrl(target.channel.baseUrl ?? defaultBaseUrl, path) : path, headers };
    },
  };
}
