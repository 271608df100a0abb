import { describe, expect, it } from 'vitest';
import { openaiEvents, seededRandom } from '../../../test/stream-path/generate-upstream-stream.ts';
import { scanPlainChunk } from './scan-plain-chunk.ts';
import { createPlainScanner } from './scan-plain-template.ts';

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
      finishes: false,
    });
  });

  it('passes a finish chunk with a finish reason the parser hands on unchanged', () => {
    for (const reason of ['stop', 'length', 'tool_calls', 'content_filter', 'function_call']) {
      const data = `${head},${choice('{}', `,"finish_reason":"${reason}"`)},"usage":null}`;
      expect(scanPlainChunk(data), reason).toMatchObject({ finishes: true, text: '', choices: 1, usageStart: data.indexOf(',"usage":null') });
    }
    expect(scanPlainChunk(`${head},${choice('{"content":"x"}', ',"logprobs":null,"finish_reason":"stop"')}}`)).toMatchObject({ finishes: true, text: 'x' });
  });

  it('does not keep a finish chunk as the one the next chunks are matched against', () => {
    const scanner = createPlainScanner();
    const finishing = `${head},${choice('{"content":"x"}', ',"finish_reason":"stop"')}}`;
    expect(scanner.scan(finishing)).toMatchObject({ finishes: true });
    expect(scanner.sameButContent(`${head},${choice('{"content":"y"}', ',"finish_reason":"stop"')}}`)).toBeUndefined();
    expect(scanner.scan(`${head},${choice('{"content":"y"}', ',"finish_reason":"stop"')}}`)).toMatchObject({ finishes: true, text: 'y' });
  });

  it('counts text in the order content, reasoning, refusal, choice by choice, escapes decoded', () => {
    const data = `${head},"choices":[{"index":0,"delta":{"refusal":"R","reasoning_content":"T","content":"a\\"b\\u0001"}},{"index":1,"delta":{"content":"2"}}]}`;
    expect(scanPlainChunk(data)).toMatchObject({ text: 'a"b\u0001TR2', choices: 2, usageStart: -1, systemFingerprint: undefined });
  });

  it.each([
    ['a finish reason the parser renames (TGI)', `${head},${choice('{"content":"x"}', ',"finish_reason":"eos_token"')}}`],
    ['a finish reason it does not know', `${head},${choice('{}', ',"finish_reason":"stopped"')}}`],
    ['a finish reason that is not a string', `${head},${choice('{}', ',"finish_reason":1')}}`],
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

describe('createPlainScanner', () => {
  it('answers as scanPlainChunk when a chunk differs from the last one only in its content', () => {
    const scanner = createPlainScanner();
    const chunk = (content: string, usage = ''): string => `${head},${choice(`{"content":${content}}`)}${usage}}`;
    const first = chunk('"a"', ',"usage":null');
    const longer = chunk('"a longer \\u0001 text"', ',"usage":null');
    expect(scanner.scan(first)).toEqual(scanPlainChunk(first));
    expect(scanner.scan(longer)).toEqual(scanPlainChunk(longer));
    expect(scanner.scan(longer)).toMatchObject({ text: 'a longer \u0001 text', usageStart: longer.indexOf(',"usage":null') });
    // Same text around it, but what lies between is not one string token (or is null, plain too).
    for (const data of [chunk('"a","content":"b"', ',"usage":null'), chunk('"a"x"', ',"usage":null'), chunk('"a\\/"', ',"usage":null'), chunk('null', ',"usage":null'), longer]) {
      expect(scanner.scan(data), data).toEqual(scanPlainChunk(data));
    }
    expect(scanner.scan(chunk('"a"x"'))).toBeUndefined();
    expect(scanner.scan(chunk('null'))).toMatchObject({ text: '' });
  });

  it('answers as scanPlainChunk for random streams and random edits of their chunks', () => {
    const random = seededRandom(11);
    const pieces = ['{', '}', '"', '\\', '\\"', 'null', '\u2028', '\\u0001', '\\/', 'a', '","', '"},"x":"', '"usage":null'];
    let plain = 0;
    for (let stream = 0; stream < 400; stream += 1) {
      const scanner = createPlainScanner();
      for (const { data } of openaiEvents(random)) {
        const at = Math.floor(random() * (data.length + 1));
        const piece = pieces[Math.floor(random() * pieces.length)] as string;
        const edited = random() < 0.5 ? data.slice(0, at) + piece + data.slice(at) : data.replace(/"content":"([^"\\]*)"/, (_match, text: string) => `"content":"${text}${piece}"`);
        for (const variant of [data, edited, data]) {
          const expected = scanPlainChunk(variant);
          const same = scanner.sameButContent(variant);
          if (same !== undefined) {
            const parsed = JSON.parse(variant) as { choices: [{ index: number; delta: { content: string } }] };
            expect(same, variant).toEqual({ index: parsed.choices[0].index, content: parsed.choices[0].delta.content });
            expect(expected, variant).toMatchObject({ choices: 1, text: same.content });
          }
          if (expected !== undefined) plain += 1;
          expect(scanner.scan(variant), variant).toEqual(expected);
        }
      }
    }
    expect(plain).toBeGreaterThan(500);
  });
});
