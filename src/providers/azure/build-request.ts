// Azure OpenAI: the OpenAI body on Azure's URLs, with the `api-key` header (docs/wire-formats.md 2.1).
// base_url is the resource root, https://RESOURCE.openai.azure.com, as the Azure SDKs take it.
import type { Channel } from '../../core/channel.ts';
import type { ChatRequest } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/upstream.ts';
import { buildChatBody, joinUrl } from '../openai/build-request.ts';
import type { UpstreamTarget } from '../types.ts';

/** Azure takes the key in `api-key`, not `authorization` (docs/wire-formats.md 2.1). */
export const azureKeyHeader = 'api-key';

/**
 * `stream_options` is accepted from api-version 2024-09-01-preview (stable 2024-10-21); older
 * versions answer 400 "Unrecognized request argument supplied: stream_options" (one-api#1423,
 * griptape-ai/griptape#1640, Azure/azure-sdk-for-java#40998). Dated versions compare as text.
 */
const firstApiVersionWithStreamOptions = '2024-09-01';

export function acceptsStreamOptions(apiVersion: string | undefined): boolean {
  return apiVersion === undefined || apiVersion >= firstApiVersionWithStreamOptions;
}

/** The resource root, also when an operator pasted it with the `/openai` or `/openai/v1` path. */
export function resourceRoot(channel: Channel): string {
  const baseUrl = channel.baseUrl;
  if (baseUrl === undefined) {
    throw new GatewayError('upstream_unreachable', `channel ${channel.name} (type azure) has no base_url`, {
      hint: 'Set `base_url: https://RESOURCE.openai.azure.com` on the channel: Azure OpenAI has no default address.',
    });
  }
  return baseUrl.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '');
}

/**
 * With `api_version` the deployment URL, the deployment being the upstream model name (the client
 * name through `model_map`); without it the v1 URL, where the body's `model` names the deployment
 * (vercel/ai packages/azure/src/azure-openai-provider.ts).
 */
export function buildAzureUrl(root: string, deployment: string, apiVersion: string | undefined, operation = '/chat/completions'): string {
  if (apiVersion === undefined) return joinUrl(root, `/openai/v1${operation}`);
  const path = `/openai/deployments/${encodeURIComponent(deployment)}${operation}`;
  return `${joinUrl(root, path)}?api-version=${encodeURIComponent(apiVersion)}`;
}

/**
 * The Responses API is not under a deployment: `/openai/v1/responses` (the body's `model` names the
 * deployment), or with an `api_version` `/openai/responses?api-version=…`, which exists from
 * 2025-03-01-preview (learn.microsoft.com/azure/ai-foundry/openai/how-to/responses).
 */
const firstApiVersionWithResponses = '2025-03-01';

export function servesResponses(channel: Channel): boolean {
  return channel.apiVersion === undefined || channel.apiVersion >= firstApiVersionWithResponses;
}

export function buildResponsesCall(target: UpstreamTarget): { url: string; headers: Record<string, string> } {
  const apiVersion = target.channel.apiVersion;
  const root = resourceRoot(target.channel);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: target.stream ? 'text/event-stream' : 'application/json', 'accept-encoding': 'identity' };
  if (target.apiKey !== undefined) headers[azureKeyHeader] = target.apiKey;
  const url = apiVersion === undefined ? joinUrl(root, '/openai/v1/responses') : `${joinUrl(root, '/openai/responses')}?api-version=${encodeURIComponent(apiVersion)}`;
  return { url, headers };
}

export function buildChatRequest(request: ChatRequest, target: UpstreamTarget): UpstreamRequest {
  const apiVersion = target.channel.apiVersion;
  const streamOptions = target.streamOptions && acceptsStreamOptions(apiVersion);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: target.stream ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
  };
  if (target.apiKey !== undefined) headers[azureKeyHeader] = target.apiKey;
  return {
    url: buildAzureUrl(resourceRoot(target.channel), target.upstreamModel, apiVersion),
    headers,
    body: buildChatBody(request, { ...target, streamOptions }),
  };
}
