import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './parse-config.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const channel = '{ name: a, type: openai, models: [m] }';

/** The ConfigError's problem lines for a bad config. */
function problemsOf(text: string, env: Record<string, string | undefined> = {}, channelTypes?: string[]): readonly string[] {
  return problemsThrownBy(() => parseConfig(text, channelTypes === undefined ? { file: 'sluice.yaml', env } : { file: 'sluice.yaml', env, channelTypes }));
}

describe('parseConfig rejects a bad config', () => {
  it('names the file, line and column of a YAML syntax error', () => {
    expect(problemsOf('channels: [{ name: a\nlisten: x')[0]).toMatch(/^sluice\.yaml:\d+:\d+: \S/);
  });

  it('reports a duplicate YAML key with its line', () => {
    expect(problemsOf(`channels: [${channel}]\nstore: sqlite:a\nstore: sqlite:b`)).toEqual([
      'sluice.yaml:3:1: Map keys must be unique',
    ]);
  });

  it('reports an indentation error as one file:line:col line, not every error the parser derives from it', () => {
    // The parser itself gives two errors here (a compact mapping nested, an implicit key over two lines).
    expect(problemsOf('channels:\n  - name: a\n    type: openai\n      models: [m]\n')).toEqual([
      'sluice.yaml:3:11: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('names a missing required field by its path', () => {
    expect(problemsOf('channels: [{ name: a, type: openai }]')).toEqual([
      'sluice.yaml: channels[0].models: required field is missing',
    ]);
  });

  it('requires at least one channel', () => {
    expect(problemsOf('listen: { port: 1 }')).toEqual(['sluice.yaml: channels: required field is missing']);
    expect(problemsOf('channels: []')).toEqual(['sluice.yaml: channels: expected at least one channel, got an empty list']);
  });

  it('says what a wrong value was and what was expected', () => {
    expect(problemsOf(`channels: [${channel}, { name: b, type: openai, models: [m], weight: -2 }]`)).toEqual([
      'sluice.yaml: channels[1].weight: expected a positive number, got -2',
    ]);
  });

  it('reports a wrong type', () => {
    expect(problemsOf(`listen: { port: eighty }\nchannels: [${channel}]`)).toEqual([
      'sluice.yaml: listen.port: expected a port number from 0 to 65535, got "eighty"',
    ]);
  });

  it('reports every problem on its own line', () => {
    const problems = problemsOf(`log_level: loud\nsse: { keepalive_ms: 0 }\nchannels: [${channel}]`);
    expect(problems).toHaveLength(2);
    expect(problems).toContain('sluice.yaml: log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(problems).toContain('sluice.yaml: sse.keepalive_ms: expected a positive integer, got 0');
  });

  it('rejects an unknown key and suggests the one probably meant', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], prioirty: 1 }]')).toEqual([
      'sluice.yaml: channels[0].prioirty: unknown key; did you mean "priority"?',
    ]);
  });

  it('lists the known keys when an unknown key looks like no typo', () => {
    expect(problemsOf(`limits: { frobnicate: 1 }\nchannels: [${channel}]`)).toEqual([
      'sluice.yaml: limits.frobnicate: unknown key; known keys: body_bytes, upstream_body_bytes, upstream_stream_bytes, default_completion_tokens_estimate, upload_bytes',
    ]);
  });

  it('rejects duplicate channel names', () => {
    expect(problemsOf(`channels: [${channel}, ${channel}]`)).toEqual([
      'sluice.yaml: channels[1].name: duplicate channel name "a", already used by channels[0]',
    ]);
  });

  it('rejects duplicate key names and key values without printing the key', () => {
    const problems = problemsOf(`keys: [{ name: k, key: s3cret }, { name: k, key: s3cret }]\nchannels: [${channel}]`);
    expect(problems).toEqual([
      'sluice.yaml: keys[1].name: duplicate key name "k", already used by keys[0]',
      'sluice.yaml: keys[1].key: duplicate key value, already used by keys[0]',
    ]);
  });

  it('does not print a key value that has the wrong type', () => {
    expect(problemsOf(`admin_key: 123456\nchannels: [${channel}]`)).toEqual([
      'sluice.yaml: admin_key: expected a string, got a number',
    ]);
  });

  it('names the field and the variable when an environment variable is missing', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], api_key: "${XAI_API_KEY}" }]')).toEqual([
      'sluice.yaml: channels[0].api_key: environment variable XAI_API_KEY is not set',
    ]);
  });

  it('rejects api_key and api_keys together', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], api_key: k, api_keys: [k2] }]')).toEqual([
      'sluice.yaml: channels[0]: set api_key or api_keys, not both',
    ]);
  });

  it('rejects a capability value outside required, unsupported, supported', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], capabilities: { "qwq-*": { stream: maybe } } }]')).toEqual([
      'sluice.yaml: channels[0].capabilities["qwq-*"].stream: expected one of required, unsupported, supported, got "maybe"',
    ]);
  });

  it('rejects an unknown channel type and lists the known ones', () => {
    expect(problemsOf('channels: [{ name: a, type: opneai, models: [m] }]', {}, ['openai', 'echo'])).toEqual([
      'sluice.yaml: channels[0].type: unknown channel type "opneai"; known types: openai, echo',
    ]);
  });

  it('requires base_url for a channel type without a default address (azure)', () => {
    const text = 'channels: [{ name: az, type: azure, models: [o3-mini], api_version: 2024-10-21 }, { name: b, type: openai, models: [m] }]';
    const problems = (() => {
      try {
        parseConfig(text, { file: 'sluice.yaml', env: {}, typesNeedingBaseUrl: ['azure'] });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
      }
      return [];
    })();
    expect(problems).toEqual(['sluice.yaml: channels[0].base_url: required for channel type "azure", which has no default address']);
  });

  it('rejects a default_max_tokens that is not a positive integer', () => {
    expect(problemsOf('channels: [{ name: a, type: anthropic, models: [m], default_max_tokens: many }]')).toEqual([
      'sluice.yaml: channels[0].default_max_tokens: expected a positive integer, got a string',
    ]);
  });

  it('rejects a base_url that is not http or https', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], base_url: "ftp://x" }]')).toEqual([
      'sluice.yaml: channels[0].base_url: expected an http:// or https:// URL, got "ftp://x"',
    ]);
  });

  it('rejects a header name that HTTP does not allow', () => {
    expect(problemsOf('channels: [{ name: a, type: openai, models: [m], headers: { "X Bad": v } }]')).toEqual([
      'sluice.yaml: channels[0].headers["X Bad"]: expected an HTTP header name',
    ]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf('- a\n- b')).toEqual(['sluice.yaml: expected a mapping at the top level, got a list']);
  });

  it('reports a wrong channel type together with the schema errors of other fields', () => {
    const text = 'log_level: loud\nchannels:\n  - { name: a, type: opneai, models: [m], weight: -1 }\n  - { name: a, type: openai, models: [m] }';
    expect(problemsOf(text, {}, ['openai', 'echo'])).toEqual([
      'sluice.yaml: channels[0].weight: expected a positive number, got -1',
      'sluice.yaml: log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'sluice.yaml: channels[1].name: duplicate channel name "a", already used by channels[0]',
      'sluice.yaml: channels[0].type: unknown channel type "opneai"; known types: openai, echo',
    ]);
  });

  it('reports a missing environment variable together with the other errors, once per field', () => {
    const text = 'listen: { port: "${PORT}" }\nadmin_key: short\nchannels: [{ name: a, type: nope, models: [m] }]';
    expect(problemsOf(text, {}, ['openai'])).toEqual([
      'sluice.yaml: listen.port: environment variable PORT is not set',
      'sluice.yaml: admin_key: too short (5 characters); an admin key needs at least 16, for example from `openssl rand -hex 32`',
      'sluice.yaml: channels[0].type: unknown channel type "nope"; known types: openai',
    ]);
  });
});
