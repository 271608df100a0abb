// Azure OpenAI's legacy completions: the OpenAI body on the deployment URL (with api_version) or the
// v1 URL, the `api-key` header, `stream_options` only where the api-version takes it (build-request.ts).
import type { CompletionsRequest } from '../../core/completions.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { buildCompletionsBody, completionsHeaders, learnCompletionsSupport, parseCompletionsEvent, parseCompletionsResponse } from '../openai/completions.ts';
import type { CompletionsDialect, UpstreamTarget } from '../types.ts';
import { acceptsStreamOptions, azureKeyHeader, buildAzureUrl, resourceRoot } from './build-request.ts';

export function buildCompletionsRequest(request: CompletionsRequest, target: UpstreamTarget): UpstreamRequest {
  const apiVersion = target.channel.apiVersion;
  const streamOptions = target.streamOptions && acceptsStreamOptions(apiVersion);
  return {
    url: buildAzureUrl(resourceRoot(target.channel), target.upstreamModel, apiVersion, '/completions'),
    headers: completionsHeaders(target, target.apiKey === undefined ? {} : { [azureKeyHeader]: target.apiKey }),
    body: buildCompletionsBody(request, { ...target, streamOptions }),
  };
}

export const azureCompletions: CompletionsDialect = {
  buildRequest: buildCompletionsRequest,
  parseResponse: parseCompletionsResponse,
  parseStreamEvent: parseCompletionsEvent,
  learnFrom: learnCompletionsSupport,
};
