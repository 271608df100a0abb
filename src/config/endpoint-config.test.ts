import { describe, expect, it } from 'vitest';
import { defaultEndpointUnits } from '../core/endpoint-units.ts';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './parse-config.ts';

const parse = (yaml: string) => parseConfig(yaml, { file: 'sluice.yaml', env: {} });

function problemsOf(yaml: string): string {
  try {
    parse(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
  }
  return '';
}

describe('issue 18 endpoints in the config', () => {
  it('gives a channel the rerank path it names (after base_url, or a whole URL), and none by default', () => {
    const config = parse(`channels:
  - { name: vllm, type: openai, base_url: http://vllm:8000/v1, models: [bge], paths: { rerank: /v2/rerank } }
  - { name: tei, type: openai, base_url: http://tei:8080/v1, models: [tei], paths: { rerank: "http://tei:8080/rerank", moderations: null } }
  - { name: plain, type: openai, models: [m] }
`);
    expect(config.channels.map((channel) => channel.endpointPaths)).toEqual([{ rerank: '/v2/rerank' }, { rerank: 'http://tei:8080/rerank' }, undefined]);
  });

  it('refuses a path that is neither /… nor an http(s) URL, and an unknown endpoint name', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], paths: { rerank: "v1/rerank" } }]')).toContain('expected a path starting with /');
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], paths: { rank: /rank } }]')).toMatch(/rank/);
  });

  it('fills units with the named defaults, field by field', () => {
    expect(parse('channels: [{ name: a, type: openai, models: [m] }]').units).toEqual(defaultEndpointUnits);
    expect(parse('channels: [{ name: a, type: openai, models: [m] }]\nunits: { image: 2000 }').units).toEqual({ ...defaultEndpointUnits, image: 2000 });
  });
});
