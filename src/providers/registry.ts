// The only list of providers: adding a dialect is a folder and one line here.
import { anthropicProvider } from './anthropic/index.ts';
import { azureProvider } from './azure/index.ts';
import { echoProvider } from './echo/index.ts';
import { geminiProvider } from './gemini/index.ts';
import { ollamaProvider } from './ollama/index.ts';
import { openaiProvider } from './openai/index.ts';
import type { Provider } from './types.ts';

const providers: ReadonlyMap<string, Provider> = new Map(
  [openaiProvider, azureProvider, anthropicProvider, geminiProvider, ollamaProvider, echoProvider].map((provider) => [provider.type, provider]),
);

export const providerTypes: readonly string[] = [...providers.keys()];

/** Types whose channels must set base_url: the provider has no default address (azure). */
export const providerTypesWithoutDefaultBaseUrl: readonly string[] = [...providers.values()]
  .filter((provider) => provider.defaultBaseUrl === undefined)
  .map((provider) => provider.type);

/** Types whose upstreams refuse calls without an API key: a channel of one without a key gets a start-up warning. */
export const providerTypesNeedingApiKey: readonly string[] = [...providers.values()]
  .filter((provider) => provider.apiKeyOptional !== true)
  .map((provider) => provider.type);

/** Headers some dialect takes an API key in besides `authorization`: masked in every capture, whatever the value. */
export const providerKeyHeaders: readonly string[] = [...providers.values()].flatMap((provider) => (provider.keyHeader === undefined ? [] : [provider.keyHeader]));

/** Headers of the dialects' protocols that hold no secret (versions, betas, organization): a channel's values for them are shown. */
export const providerPlainHeaders: readonly string[] = [...providers.values()].flatMap((provider) => provider.plainHeaders ?? []);

export function findProvider(type: string): Provider | undefined {
  return providers.get(type);
}
