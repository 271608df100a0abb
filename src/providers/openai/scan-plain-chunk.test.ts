import { describe, expect, it } from 'vitest';
import { scanPlainChunk } from './scan-plain-chunk.ts';

const head = '{"id":"c-1","object":"chat.completion.chunk","created":1700000000,"model":"up-model"';
const choice = (delta: string, extra = ''): string => `"choices":[{"index":0,"delta":${delta}${extra}}]`;

describe('scanPlainChunk', () => {
  it('finds the model name, the usage null, and the generated text of a plain chunk', () => {
    const data = `${head},"system_fingerprint":"fp_1",${choice('{"role":"assistant","content":"Hi","refusal":null}', ',"logprobs":null,"finish_reason":null')},"usage":null}`;
    const plain = scanPlainChunk(data);
    expect(plain).toEqual({
      modelStart: data.indexOf('"up-model"'),
      modelEnd: data.indexOf('"up-model"') + '"up-model"'.length,
      usageStart: data.indexOf(',"usage":null'),
      usageEnd: data.length - 1,
      id: 'c-1',
      created: 1700000000,
      systemFingerprint: 'fp_1',
      text: 'Hi',
      choices: 1,
    });
  });

  it('counts text in the order content, reasoning, refusal, choice by choice, escapes decoded', () => {
    const data = `${head},"choices":[{"index":0,"delta":{"refusal":"R","reasoning_content":"T","content":"a\\"b\\u0001"}},{"index":1,"delta":{"content":"2"}}]}`;
    expect(scanPlainChunk(data)).toMatchObject({ text: 'a"b\u0001TR2', choices: 2, usageStart: -1, systemFingerprint: undefined });
  });

  it.each([
    ['a finish reason', `${head},${choice('{"content":"x"}', ',"finish_reason":"stop"')}}`],
    ['tool calls', `${head},${choice('{"tool_calls":[]}')}}`],
    ['`reasoning` (copied to reasoning_content by the parser)', `${head},${choice('{"reasoning":"x"}')}}`],
    ['an unknown top-level key', `${head},"error":null,${choice('{}')}}`],
    ['a duplicate key', `${head},"model":"again",${choice('{}')}}`],
    ['a duplicate delta key', `${head},${choice('{"content":"a","content":"b"}')}}`],
    ['whitespace', `${head}, ${choice('{}')}}`],
    ['`\\/`, which JSON.stringify writes as `/`', `${head},${choice('{"content":"a\\/b"}')}}`],
    ['`\\u000a`, which JSON.stringify writes as `\\n`', `${head},${choice('{"content":"a\\u000ab"}')}}`],
    ['an upper-case `\\u001F`', `${head},${choice('{"content":"a\\u001Fb"}')}}`],
    ['U+2028 (escaped by the client encoder)', `${head},${choice('{"content":"a\u2028b"}')}}`],
    ['an index of -0', `${head},"choices":[{"index":-0,"delta":{}}]}`],
    ['a float index', `${head},"choices":[{"index":0.5,"delta":{}}]}`],
    ['a choice without delta', `${head},"choices":[{"index":0}]}`],
    ['no choices', `${head},"choices":[]}`],
    ['usage as the first key', `{"usage":null,"id":"c-1","object":"chat.completion.chunk","created":1700000000,"model":"m",${choice('{}')}}`],
    ['usage that is not null', `${head},${choice('{}')},"usage":{"total_tokens":1}}`],
    ['an empty id', `{"id":"","object":"chat.completion.chunk","created":1,"model":"m",${choice('{}')}}`],
    ['created 0', `{"id":"c","object":"chat.completion.chunk","created":0,"model":"m",${choice('{}')}}`],
    ['another object type', `{"id":"c","object":"chat.completion","created":1,"model":"m",${choice('{}')}}`],
    ['a key with an escape', `${head},"cho\\u0069ces":[{"index":0,"delta":{}}]}`],
    ['text after the object', `${head},${choice('{}')}}x`],
    ['a truncated object', `${head},${choice('{}')}`],
  ])('refuses %s', (_what, data) => {
    expect(scanPlainChunk(data)).toBeUndefined();
  });
});
