// Their channel type numbers → a Sluice channel type and base URL. The numbers differ between the two
// projects (Ollama is 30 in one-api, 4 in new-api; DeepSeek 36 and 43), so each has its own table.
// Sources, read for this table:
//   one-api: songquanpeng/one-api relay/channeltype/define.go (the iota list) and
//            relay/channeltype/url.go (ChannelBaseURLs, their default base URL per type);
//   new-api: QuantumNous/new-api constant/channel.go (ChannelType… constants and ChannelBaseURLs).
// Their base URLs are API roots: they append `/v1/chat/completions` (or a dialect's own path) to
// them. Sluice's `openai` base_url ends where the client's path starts (`…/v1`), so each mapping
// says what to append (`path`) unless the URL already ends with it.

import type { SourceKind } from './source-tables.ts';

export interface ChannelTypeMapping {
  /** Their name for the type, for the report. */
  name: string;
  /** The Sluice channel type (src/providers/registry.ts). */
  sluiceType: 'openai' | 'azure' | 'anthropic' | 'gemini' | 'ollama';
  /** Their default base URL when the channel leaves base_url empty; undefined: they require one. */
  defaultBaseUrl: string | undefined;
  /** Appended to their base URL to make Sluice's (`/v1` for OpenAI-compatible upstreams). */
  path: string;
}

export interface UnmappedChannelType {
  name: string;
  /** Why Sluice cannot serve it. */
  reason: string;
}

const openai = (name: string, defaultBaseUrl: string | undefined, path = '/v1'): ChannelTypeMapping => ({ name, sluiceType: 'openai', defaultBaseUrl, path });
const native = (name: string, sluiceType: ChannelTypeMapping['sluiceType'], defaultBaseUrl: string | undefined): ChannelTypeMapping => ({ name, sluiceType, defaultBaseUrl, path: '' });

const noDialect = 'its API is not OpenAI-compatible and Sluice has no dialect for it';

/** Types both projects number alike (1, 3, 14, 17, 20, 24, 25, 31). */
const shared: Readonly<Record<number, ChannelTypeMapping>> = {
  1: openai('OpenAI', 'https://api.openai.com'),
  3: native('Azure', 'azure', undefined),
  14: native('Anthropic', 'anthropic', 'https://api.anthropic.com'),
  // DashScope's native API in both projects; the same key serves its OpenAI-compatible mode.
  17: openai('Ali (DashScope)', 'https://dashscope.aliyuncs.com', '/compatible-mode/v1'),
  20: openai('OpenRouter', 'https://openrouter.ai/api'),
  24: native('Gemini', 'gemini', 'https://generativelanguage.googleapis.com'),
  25: openai('Moonshot', 'https://api.moonshot.cn'),
  31: openai('LingYiWanWu', 'https://api.lingyiwanwu.com'),
};

const oneApiTypes: Readonly<Record<number, ChannelTypeMapping>> = {
  ...shared,
  2: openai('API2D', 'https://oa.api2d.net'),
  // Custom: the operator's own OpenAI-compatible address, required.
  8: openai('Custom', undefined),
  16: openai('Zhipu', 'https://open.bigmodel.cn', '/api/paas/v4'),
  26: openai('Baichuan', 'https://api.baichuan-ai.com'),
  28: openai('Mistral', 'https://api.mistral.ai'),
  29: openai('Groq', 'https://api.groq.com/openai'),
  30: native('Ollama', 'ollama', 'http://localhost:11434'),
  32: openai('StepFun', 'https://api.stepfun.com'),
  36: openai('DeepSeek', 'https://api.deepseek.com'),
  39: openai('TogetherAI', 'https://api.together.xyz'),
  40: openai('Doubao', 'https://ark.cn-beijing.volces.com', '/api/v3'),
  41: openai('Novita', 'https://api.novita.ai/v3/openai', ''),
  44: openai('SiliconFlow', 'https://api.siliconflow.cn'),
  45: openai('xAI', 'https://api.x.ai'),
  50: openai('OpenAI Compatible', undefined),
  51: openai('Gemini OpenAI Compatible', 'https://generativelanguage.googleapis.com/v1beta/openai', ''),
};

const oneApiUnmapped: Readonly<Record<number, string>> = {
  11: 'PaLM', 15: 'Baidu', 18: 'Xunfei', 19: '360', 21: 'AIProxyLibrary', 22: 'FastGPT', 23: 'Tencent', 27: 'Minimax',
  33: 'AWS Claude', 34: 'Coze', 35: 'Cohere', 37: 'Cloudflare', 38: 'DeepL', 42: 'Vertex AI', 43: 'Proxy', 46: 'Replicate',
  47: 'Baidu V2', 48: 'Xunfei V2', 49: 'Ali Bailian',
};

const newApiTypes: Readonly<Record<number, ChannelTypeMapping>> = {
  ...shared,
  4: native('Ollama', 'ollama', 'http://localhost:11434'),
  8: openai('Custom', undefined),
  16: openai('Zhipu', 'https://open.bigmodel.cn', '/api/paas/v4'),
  26: openai('Zhipu v4', 'https://open.bigmodel.cn', '/api/paas/v4'),
  // Perplexity serves `/chat/completions` at its root.
  27: openai('Perplexity', 'https://api.perplexity.ai', ''),
  40: openai('SiliconFlow', 'https://api.siliconflow.cn'),
  42: openai('Mistral', 'https://api.mistral.ai'),
  43: openai('DeepSeek', 'https://api.deepseek.com'),
  45: openai('VolcEngine', 'https://ark.cn-beijing.volces.com', '/api/v3'),
  47: openai('Xinference', undefined),
  48: openai('xAI', 'https://api.x.ai'),
};

const newApiUnmapped: Readonly<Record<number, string>> = {
  2: 'Midjourney', 5: 'Midjourney Plus', 11: 'PaLM', 15: 'Baidu', 18: 'Xunfei', 19: '360', 21: 'AIProxyLibrary', 22: 'FastGPT',
  23: 'Tencent', 33: 'AWS', 34: 'Cohere', 35: 'MiniMax', 36: 'Suno', 37: 'Dify', 38: 'Jina', 39: 'Cloudflare', 41: 'Vertex AI',
  44: 'MokaAI', 46: 'Baidu V2', 49: 'Coze', 50: 'Kling', 51: 'Jimeng', 52: 'Custom Pass',
};

/** The mapping of one of their types, or why there is none. */
export function findChannelType(kind: SourceKind, type: number): ChannelTypeMapping | UnmappedChannelType {
  const mapped = (kind === 'one-api' ? oneApiTypes : newApiTypes)[type];
  if (mapped !== undefined) return mapped;
  const name = (kind === 'one-api' ? oneApiUnmapped : newApiUnmapped)[type];
  return name === undefined
    ? { name: `type ${String(type)}`, reason: `${kind} type ${String(type)} is not one this import knows` }
    : { name, reason: noDialect };
}

export function isMappedType(found: ChannelTypeMapping | UnmappedChannelType): found is ChannelTypeMapping {
  return 'sluiceType' in found;
}

/**
 * Sluice's base_url from theirs (or their default): their root plus the mapping's path, unless the
 * operator already wrote it (`https://host/v1`). A Custom URL given down to `/chat/completions` is cut there.
 */
export function toSluiceBaseUrl(mapping: ChannelTypeMapping, theirs: string | undefined): string | undefined {
  const root = (theirs ?? mapping.defaultBaseUrl)?.trim().replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
  if (root === undefined || root === '') return undefined;
  if (mapping.path === '' || root.endsWith(mapping.path)) return root;
  return `${root}${mapping.path}`;
}
