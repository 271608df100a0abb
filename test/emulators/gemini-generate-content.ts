// Google's Generative Language API (`/v1beta/models/MODEL:generateContent` and
// `:streamGenerateContent?alt=sse`), replaying recorded wire bytes. Stream events are the lines of
// vercel/ai packages/google/src/__fixtures__/google-text.chunks.txt (text) and
// google-tool-call.chunks.txt (a call with its thoughtSignature), framed as Gemini frames them:
// `data: <json>\r\n\r\n`, no `[DONE]` (docs/wire-formats.md 2.9; nyroway/nyro#265). Non-stream text is
// google-text.json; the 429 is google-429-retry-info.json (retry hint in the body); the blocked
// prompt is issue-19758-prompt-block.chunks.txt. Thought parts (`"thought": true`) follow the shape
// of Gemini's thinking docs with includeThoughts; the answer after a tool result and the error event
// after output (503 UNAVAILABLE "The model is overloaded…") are composed in the same shapes.
// The model name picks the behaviour.
import { startEmulator, writeJson, type Emulator, type ReceivedRequest } from './emulator-server.ts';
import { writeSse } from './sse-writer.ts';

const usage = (candidates: number, thoughts: number) =>
  `"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":${candidates},"totalTokenCount":${9 + candidates + thoughts},"promptTokensDetails":[{"modality":"TEXT","tokenCount":9}],"thoughtsTokenCount":${thoughts}}`;
const tail = (responseId: string) => `"modelVersion":"gemini-3-pro-preview","responseId":"${responseId}"`;

export const geminiText = 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y';
const textEvents = [
  `{"candidates":[{"content":{"parts":[{"text":"There are **3**"}],"role":"model"},"index":0}],${usage(5, 185)},${tail('bH6LaZW8Fp_3nsEPqtaSwQ4')}}`,
  `{"candidates":[{"content":{"parts":[{"text":" \\"r\\"s in strawberry.\\n\\nst**r**awbe**rr**y"}],"role":"model"},"index":0}],${usage(23, 185)},${tail('bH6LaZW8Fp_3nsEPqtaSwQ4')}}`,
  `{"candidates":[{"content":{"parts":[{"text":"","thoughtSignature":"EqsFCqgFAb4+9vvtAF5n87lB4OGDOoTRMOqp35jW65XsYXh6BySMwl9nvrbAvPcl2U0xITaYUyV4CmREEDB1z0ZPpCg7iEwiZcj40Eh1jXoL8Y"}],"role":"model"},"finishReason":"STOP","index":0}],${usage(23, 185)},${tail('bH6LaZW8Fp_3nsEPqtaSwQ4')}}`,
];
export const geminiNonStreamText = "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.";
const textBody = `{\n  "candidates": [\n    {\n      "content": {\n        "parts": [\n          {\n            "text": "There are **3** r's in strawberry.\\n\\nHere is the breakdown: st**r**awbe**rr**y.",\n            "thoughtSignature": "EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg"\n          }\n        ],\n        "role": "model"\n      },\n      "finishReason": "STOP",\n      "index": 0\n    }\n  ],\n  "usageMetadata": {\n    "promptTokenCount": 9,\n    "candidatesTokenCount": 28,\n    "totalTokenCount": 281,\n    "promptTokensDetails": [\n      {\n        "modality": "TEXT",\n        "tokenCount": 9\n      }\n    ],\n    "thoughtsTokenCount": 244\n  },\n  "modelVersion": "gemini-3-pro-preview",\n  "responseId": "Un6LacrVMcjUxs0PmJfWoQc"\n}\n`;

export const weatherSignature = 'EqUCCqICAb4+9vsh8Pd5taZVoPzSvjWWwzBrvhEQWBLCGa7IdY8FBMm7Z6dCKFU3Ft0la15gF7RaHe1NlPRygQec0bFwPDfMwGcUOMNiJiNIKxusCs4ejCZRuouNYQ4etEIt7CujEUHiILLfZXSJZYhs4UCrD2bLqPq0sE0lWgYJnzHkkKUOnMsA2hKffAhtF4DWn5INYj8pPssvch';
const callPart = `{"functionCall":{"name":"weather","args":{"location":"San Francisco"}},"thoughtSignature":"${weatherSignature}"}`;
const toolCallEvents = [
  `{"candidates":[{"content":{"parts":[${callPart}],"role":"model"},"index":0}],${usage(15, 45)},${tail('b36LacjwM668nsEP2tbsgQQ')}}`,
  `{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],${usage(15, 45)},${tail('b36LacjwM668nsEP2tbsgQQ')}}`,
];
const toolCallBody = `{"candidates":[{"content":{"parts":[${callPart}],"role":"model"},"finishReason":"STOP","index":0}],${usage(15, 45)},${tail('b36LacjwM668nsEP2tbsgQQ')}}`;

export const geminiToolAnswer = 'It is 18°C and sunny in San Francisco.';
const toolAnswerEvents = [
  `{"candidates":[{"content":{"parts":[{"text":"It is 18°C"}],"role":"model"},"index":0}],${usage(6, 0)},${tail('c47MbdkxN779otFQ3uctgRR')}}`,
  `{"candidates":[{"content":{"parts":[{"text":" and sunny in San Francisco."}],"role":"model"},"finishReason":"STOP","index":0}],${usage(12, 0)},${tail('c47MbdkxN779otFQ3uctgRR')}}`,
];
const toolAnswerBody = `{"candidates":[{"content":{"parts":[{"text":"${geminiToolAnswer}"}],"role":"model"},"finishReason":"STOP","index":0}],${usage(12, 0)},${tail('c47MbdkxN779otFQ3uctgRR')}}`;

export const geminiThought = "**Counting the letters**\n\nI'm going through strawberry letter by letter.";
const thoughtEvents = [
  `{"candidates":[{"content":{"parts":[{"text":"**Counting the letters**\\n\\n","thought":true}],"role":"model"},"index":0}],${usage(0, 40)},${tail('d58NceLyO88ApuGR4vdhSS')}}`,
  `{"candidates":[{"content":{"parts":[{"text":"I'm going through strawberry letter by letter.","thought":true}],"role":"model"},"index":0}],${usage(0, 96)},${tail('d58NceLyO88ApuGR4vdhSS')}}`,
  `{"candidates":[{"content":{"parts":[{"text":"There are 3."}],"role":"model"},"finishReason":"STOP","index":0}],${usage(4, 96)},${tail('d58NceLyO88ApuGR4vdhSS')}}`,
];
const thoughtBody = `{"candidates":[{"content":{"parts":[{"text":${JSON.stringify(geminiThought)},"thought":true},{"text":"There are 3."}],"role":"model"},"finishReason":"STOP","index":0}],${usage(4, 96)},${tail('d58NceLyO88ApuGR4vdhSS')}}`;

export const quotaBody =
  '{\n  "error": {\n    "code": 429,\n    "message": "You exceeded your current quota, please check your plan.",\n    "status": "RESOURCE_EXHAUSTED",\n    "details": [\n      {\n        "@type": "type.googleapis.com/google.rpc.QuotaFailure",\n        "violations": [\n          {\n            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"\n          }\n        ]\n      },\n      {\n        "@type": "type.googleapis.com/google.rpc.RetryInfo",\n        "retryDelay": "34.4s"\n      }\n    ]\n  }\n}\n';
const blockedBody =
  '{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9,"promptTokensDetails":[{"modality":"TEXT","tokenCount":9}],"serviceTier":"standard"},"modelVersion":"gemini-3.7-flash","responseId":"EXCPatOAKMrQjMcPteHVmQo"}';
const overloadedEvent = '{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}';

const route = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent\?alt=sse)$/;

function hasFunctionResponse(request: ReceivedRequest): boolean {
  return JSON.stringify(request.body?.contents ?? []).includes('"functionResponse"');
}

function scriptFor(model: string, request: ReceivedRequest): { events: readonly string[]; body: string } | undefined {
  if (model === 'gemini-text' || model === 'gemini-quota-once') return { events: textEvents, body: textBody };
  if (model === 'gemini-tools') return hasFunctionResponse(request) ? { events: toolAnswerEvents, body: toolAnswerBody } : { events: toolCallEvents, body: toolCallBody };
  if (model === 'gemini-thinking') return { events: thoughtEvents, body: thoughtBody };
  if (model === 'gemini-blocked') return { events: [blockedBody], body: blockedBody };
  if (model === 'gemini-error-mid') return { events: [textEvents[0] ?? '', overloadedEvent], body: overloadedEvent };
  return undefined;
}

export function startGeminiEmulator(): Promise<Emulator> {
  let quotaOnceCalls = 0;
  return startEmulator(async (request, response) => {
    const match = request.method === 'POST' ? route.exec(request.path) : null;
    if (match === null) {
      writeJson(response, 404, `{"error":{"code":404,"message":"Method not found: ${request.path}","status":"NOT_FOUND"}}`);
      return;
    }
    if (request.headers['x-goog-api-key'] !== 'test-key') {
      writeJson(response, 400, '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}');
      return;
    }
    const model = match[1] ?? '';
    if (model === 'gemini-quota') {
      writeJson(response, 429, quotaBody);
      return;
    }
    // The same 429 with a short retryDelay on every other call: the retry after it succeeds.
    if (model === 'gemini-quota-once' && (quotaOnceCalls += 1) % 2 === 1) {
      writeJson(response, 429, quotaBody.replace('"34.4s"', '"0.25s"'));
      return;
    }
    const script = scriptFor(model, request);
    if (script === undefined) writeJson(response, 404, `{"error":{"code":404,"message":"models/${model} is not found for API version v1beta","status":"NOT_FOUND"}}`);
    else if (match[2] === 'generateContent') writeJson(response, 200, script.body);
    else await writeSse(response, script.events.map((event) => `data: ${event}\r\n\r\n`));
  });
}
