// Azure OpenAI serves images and audio under a deployment, like chat (`/openai/deployments/{d}/images/
// generations?api-version=…`, learn.microsoft.com/azure/ai-foundry/openai/reference), and has no
// moderations or rerank endpoint.
import { endpointPaths, type EndpointName } from '../../core/endpoint.ts';
import type { EndpointDialect } from '../types.ts';
import { azureKeyHeader, buildAzureUrl, resourceRoot } from './build-request.ts';

const servedByAzure: ReadonlySet<EndpointName> = new Set(['images.generations', 'images.edits', 'audio.transcriptions', 'audio.translations', 'audio.speech']);

export const azureEndpoints: EndpointDialect = {
  serves: (endpoint) => servedByAzure.has(endpoint),
  locate(endpoint, target) {
    const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity' };
    if (target.apiKey !== undefined) headers[azureKeyHeader] = target.apiKey;
    return { url: buildAzureUrl(resourceRoot(target.channel), target.upstreamModel, target.channel.apiVersion, endpointPaths[endpoint]), headers };
  },
};
