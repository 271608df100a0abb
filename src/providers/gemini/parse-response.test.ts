import { describe, expect, it } from 'vitest';
import { parseGeminiError, parseDuration } from './parse-error.ts';
import { parseChatResponse } from './parse-response.ts';

describe('gemini parseChatResponse', () => {
  it('reads text, thoughts, calls and usage from one GenerateContentResponse', () => {
    const body = {
      candidates: [
        {
          content: { parts: [{ text: 'Let me check.', thought: true }, { functionCall: { name: 'weather', args: { city: 'Paris' } } }, { functionCall: { name: 'time', args: {} } }], role: 'model' },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 29, candidatesTokenCount: 15, totalTokenCount: 89, thoughtsTokenCount: 45, cachedContentTokenCount: 8 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'r1',
    };
    expect(parseChatResponse(body, { channel: 'gem' })).toEqual({
      id: 'r1',
      object: 'chat.completion',
      created: 0,
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'Let me check.',
            tool_calls: [
              { id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_1', type: 'function', function: { name: 'time', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 29, completion_tokens: 60, total_tokens: 89, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 45 } },
    });
  });
});

describe('parseGeminiError', () => {
  it('reads the retry hint from RetryInfo in a 429 body (vercel/ai google-429-retry-info.json)', () => {
    const body =
      '{\n  "error": {\n    "code": 429,\n    "message": "You exceeded your current quota, please check your plan.",\n    "status": "RESOURCE_EXHAUSTED",\n    "details": [\n      {\n        "@type": "type.googleapis.com/google.rpc.QuotaFailure",\n        "violations": [\n          {\n            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"\n          }\n        ]\n      },\n      {\n        "@type": "type.googleapis.com/google.rpc.RetryInfo",\n        "retryDelay": "34.4s"\n      }\n    ]\n  }\n}\n';
    expect(parseGeminiError(429, body)).toEqual({
      message: 'You exceeded your current quota, please check your plan. (RESOURCE_EXHAUSTED)',
      type: 'RESOURCE_EXHAUSTED',
      code: '429',
      param: undefined,
      retryAfterSeconds: 34.4,
    });
  });

  it('reads durations as protobuf writes them', () => {
    expect([parseDuration('34.4s'), parseDuration('2s'), parseDuration('soon'), parseDuration(3)]).toEqual([34.4, 2, undefined, undefined]);
  });
});
