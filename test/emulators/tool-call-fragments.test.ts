import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloMessages, postRaw } from '../support/post-raw.ts';
import type { Emulator } from './emulator-server.ts';
import { startToolCallEmulator } from './tool-call-fragments.ts';

async function streamFrames(emulator: Emulator, model: string): Promise<string[]> {
  const answer = await postRaw(`${emulator.url}/chat/completions`, { model, messages: helloMessages, stream: true });
  return answer.text.split(/(?<=\n\n)/);
}

describe('tool-call fragments emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startToolCallEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('streams OpenAI fragments: an opening with id, type and name, then argument pieces split mid-escape', async () => {
    const frames = await streamFrames(emulator, 'tools');
    const head =
      'data: {"id":"chatcmpl-Bj8fToolCallsDeterministic","object":"chat.completion.chunk","created":1750097777,"model":"tools","service_tier":"default","system_fingerprint":"fp_a288987b44","choices":[{"index":0,"delta":';
    expect(frames.slice(0, 4)).toEqual([
      `${head}{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}]}\n\n`,
      `${head}{"tool_calls":[{"index":0,"id":"call_weather_0","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}\n\n`,
      `${head}{"tool_calls":[{"index":0,"function":{"arguments":"{\\"loc"}}]},"logprobs":null,"finish_reason":null}]}\n\n`,
      `${head}{"tool_calls":[{"index":0,"function":{"arguments":"ation\\":\\"Montr\\\\u00"}}]},"logprobs":null,"finish_reason":null}]}\n\n`,
    ]);
    expect(frames.at(-2)).toBe(`${head}{},"logprobs":null,"finish_reason":"tool_calls"}]}\n\n`);
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('starts tool-call indexes at 1 for the -index1 variant', async () => {
    const frames = await streamFrames(emulator, 'tools-index1');
    expect(frames[1]).toBe(
      'data: {"id":"gen-1750097777-ToolCallsDeterministic","object":"chat.completion.chunk","created":1750097777,"model":"tools-index1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_weather_0","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}\n\n',
    );
  });

  it('sends each whole call in one chunk for the -one-chunk variant', async () => {
    const frames = await streamFrames(emulator, 'tools-one-chunk');
    expect(frames[2]).toBe(
      'data: {"id":"de9d896d-e946-b3a7-bb14-75ab33326930","object":"chat.completion.chunk","created":1750097777,"model":"tools-one-chunk","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_time_1","function":{"name":"get_time","arguments":"{\\"timezone\\":\\"America/Los_Angeles\\"}"},"index":1,"type":"function"}]}}],"system_fingerprint":"fp_2a885414fb"}\n\n',
    );
  });

  it('omits type for the -no-type variant', async () => {
    const frames = await streamFrames(emulator, 'tools-no-type');
    expect(frames[1]).toContain('"tool_calls":[{"index":0,"id":"call_weather_0","function":{"name":"get_weather","arguments":""}}]');
  });

  it('opens both calls, then alternates their argument pieces for the -interleaved variant', async () => {
    const frames = await streamFrames(emulator, 'tools-interleaved');
    const indexes = frames.flatMap((frame) => [...frame.matchAll(/"tool_calls":\[\{"index":(\d)/g)].map((match) => Number(match[1])));
    expect(indexes).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(frames[2]).toContain('"function":{"name":"get_time","arguments":""}');
  });
});
