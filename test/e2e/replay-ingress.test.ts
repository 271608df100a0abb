// Issue 14, replay of the other client protocols: a captured /v1/responses or /v1/messages request
// (stream and non-stream) is read back with its own codec, relayed again, answered in its own
// protocol, and compared with the original like for like (both answers read by that codec).
import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/index.ts';
import { startSluice, type RunningSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, wantsStream, writeJson, type Emulator } from '../emulators/emulator-server.ts';
import { chunkJson, completionJson, deltaChoice, type ChunkIdentity } from '../emulators/openai-chunks.ts';
import { dataFrame, openAiDone, splitWords, writeSse } from '../emulators/sse-writer.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';

const adminKey = 'admin-key-for-ingress-replay-tests';
const identity: ChunkIdentity = { id: 'chatcmpl-replay', created: 1735689600, model: 'm' };
let answer = 'first answer';
let upstream: Emulator;
let directory: string;
let sluice: RunningSluice;
let admin: AdminCall;
const ids = { responses: '', responsesStream: '', messages: '', messagesStream: '' };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-ingress-replay-'));
  upstream = await startEmulator(
    chatCompletionsOnly(async (request, response) => {
      if (!wantsStream(request)) {
        writeJson(response, 200, completionJson(identity, { role: 'assistant', content: answer }, 'stop', { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }));
        return;
      }
      const frames = splitWords(answer).map((piece) => dataFrame(chunkJson(identity, [deltaChoice({ content: piece })])));
      await writeSse(response, [...frames, dataFrame(chunkJson(identity, [deltaChoice({}, 'stop')])), openAiDone]);
    }),
  );
  const configFile = join(directory, 'sluice.yaml');
  await writeFile(configFile, `
store: sqlite:${join(directory, 'sluice.db')}
admin_key: ${adminKey}
channels:
  - { name: moody, type: openai, base_url: ${upstream.url}, api_key: k1, models: [m], debug: true }
`);
  sluice = await startSluice(loadConfigFile(configFile, { env: {} }), { port: 0 });
  admin = createAdminClient(sluice.url, adminKey);
  const openai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  ids.responses = (await openai.responses.create({ model: 'm', input: 'How are you?' }).withResponse()).response.headers.get('x-request-id') ?? '';
  const responsesStream = await openai.responses.create({ model: 'm', input: 'How are you?', stream: true }).withResponse();
  for await (const _event of responsesStream.data) { /* drain */ }
  ids.responsesStream = responsesStream.response.headers.get('x-request-id') ?? '';
  const anthropic = new Anthropic({ baseURL: sluice.url, apiKey: 'unused', maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'How are you?' }];
  ids.messages = (await anthropic.messages.create({ model: 'm', max_tokens: 100, messages }).withResponse()).response.headers.get('x-request-id') ?? '';
  const messagesStream = await anthropic.messages.create({ model: 'm', max_tokens: 100, messages, stream: true }).withResponse();
  for await (const _event of messagesStream.data) { /* drain */ }
  ids.messagesStream = messagesStream.response.headers.get('x-request-id') ?? '';
});

afterAll(async () => {
  await sluice.close();
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

const cases = [
  { name: 'a Responses request', id: () => ids.responses, ingress: 'responses', finish: 'completed', answerShape: { object: 'response', status: 'completed' } },
  { name: 'a streamed Responses request', id: () => ids.responsesStream, ingress: 'responses', finish: 'completed', answerShape: undefined },
  { name: 'a Messages request', id: () => ids.messages, ingress: 'messages', finish: 'end_turn', answerShape: { type: 'message', stop_reason: 'end_turn' } },
  { name: 'a streamed Messages request', id: () => ids.messagesStream, ingress: 'messages', finish: 'end_turn', answerShape: undefined },
];

describe('POST /admin/api/logs/:request_id/replay of the other protocols', () => {
  it.each(cases)('reproduces $name, answered and logged in its own protocol', async ({ id, ingress, finish, answerShape }) => {
    const replay = await admin('POST', `/logs/${id()}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      same: true,
      differences: [],
      original: { status: 200, content: 'first answer', finish_reason: finish, channel: 'moody' },
      replay: { status: 200, content: 'first answer', finish_reason: finish, channel: 'moody' },
    });
    const logged = await admin('GET', `/logs/${String(replay.body.replay_request_id)}`);
    expect(logged.body).toMatchObject({ status: 200, ingress, captured: true });
    const clientResponse = String(logged.body.capture.client_response);
    if (answerShape === undefined) expect(clientResponse).toMatch(ingress === 'responses' ? /^event: response\.created\n/ : /^event: message_start\n/);
    else expect(JSON.parse(clientResponse)).toMatchObject(answerShape);
  });

  it.each(cases)('reports what differs in $name when the upstream now answers differently', async ({ id }) => {
    answer = 'second answer';
    try {
      const replay = await admin('POST', `/logs/${id()}/replay`);
      expect(replay.body).toMatchObject({ same: false, differences: [{ field: 'content', original: 'first answer', replay: 'second answer' }] });
    } finally {
      answer = 'first answer';
    }
  });
});
