// Whether a channel's upstream has an endpoint of issue 18, learned from its own answer (docs/endpoints.md
// "Learned"): a 404, 405 or 501 for the endpoint's path that is not about a model is the server saying
// it has no such route (vLLM without a reranker loaded, OpenAI for /rerank, Ollama for /moderations).
// Every caller would get the same answer, so it is remembered per channel and upstream model (expiring
// like every learned capability) and the channel is left out for that endpoint. A 400 is an answer
// about the client's body, never a verdict on the endpoint, so it teaches nothing here.
import type { CapabilityHints } from '../core/channel.ts';
import type { EndpointName } from '../core/endpoint.ts';
import { upstreamWords, type GatewayError } from '../core/errors.ts';

/** Statuses by which an HTTP server says the route or method is not there (RFC 9110 §15.5.5, §15.5.6, §15.6.2). */
export const endpointMissingStatuses: ReadonlySet<number> = new Set([404, 405, 501]);

// A 404 naming a missing model or deployment is about the model, not the route: OpenAI "The model `x`
// does not exist", Azure "DeploymentNotFound", vLLM "The model `x` does not exist." (its /rerank too).
const missingModel = /model_not_found|deploymentnotfound|\b(model|deployment)\b[^.]*\b(does not exist|not found)/i;

/** The hint to remember when `error` says the upstream has no `endpoint`; undefined otherwise. */
export function learnEndpointSupport(error: GatewayError, endpoint: EndpointName): CapabilityHints | undefined {
  const status = error.upstream?.status;
  if (status === undefined || !endpointMissingStatuses.has(status)) return undefined;
  if (missingModel.test(upstreamWords(error))) return undefined;
  return { unsupportedEndpoints: [endpoint] };
}

/** Whether the learned hints of a channel say its upstream model lacks `endpoint`. */
export function isLearnedUnsupported(learned: Readonly<Record<string, CapabilityHints>>, upstreamModel: string, endpoint: EndpointName): boolean {
  return learned[upstreamModel]?.unsupportedEndpoints?.includes(endpoint) === true;
}
