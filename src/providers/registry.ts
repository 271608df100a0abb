// The only list of providers: adding a dialect is a folder and one line here.
import { echoProvider } from './echo/index.ts';
import { openaiProvider } from './openai/index.ts';
import type { Provider } from './types.ts';

const providers: ReadonlyMap<string, Provider> = new Map([openaiProvider, echoProvider].map((provider) => [provider.type, provider]));

export const providerTypes: readonly string[] = [...providers.keys()];

export function findProvider(type: string): Provider | undefined {
  return providers.get(type);
}
