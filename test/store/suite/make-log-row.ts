// A request log row as relay/ would write it, with every field set unless overridden.
import type { RequestLogRow } from '../../../src/store/ports.ts';

export function makeLogRow(overrides: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    time: 1_700_000_000_000,
    requestId: 'req_1',
    keyName: 'app',
    clientModel: 'qwq',
    clientStream: false,
    channel: 'dashscope',
    upstreamModel: 'qwq-plus',
    upstreamStream: true,
    adaptations: ['collect-stream'],
    attempts: [
      { channel: 'dashscope', upstreamModel: 'qwq-plus', upstreamStream: false, status: 400, errorCode: 'upstream_rejected', durationMs: 40, countsAgainstChannel: false },
      { channel: 'dashscope', upstreamModel: 'qwq-plus', upstreamStream: true, status: 200, errorCode: undefined, durationMs: 900, countsAgainstChannel: false },
    ],
    status: 200,
    errorCode: undefined,
    errorMessage: undefined,
    firstTokenMs: 300,
    durationMs: 950,
    promptTokens: 12,
    completionTokens: 34,
    usageSource: 'upstream',
    clientIp: '127.0.0.1',
    userAgent: 'OpenAI/JS 7.57.0',
    answeredModel: 'qwq',
    overheadMs: 0.25,
    capture: '{"clientRequest":"{}","clientResponse":"{}","attempts":[]}',
    ingress: 'chat',
    costUsd: 0.000123,
    cachedPromptTokens: 8,
    requestBytes: 1_234,
    responseBytes: 5_000_000_000,
    ...overrides,
  };
}
