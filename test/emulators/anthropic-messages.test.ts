import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw } from '../support/post-raw.ts';
import { startAnthropicEmulator } from './anthropic-messages.ts';
import type { Emulator } from './emulator-server.ts';

const headers = { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };

describe('Anthropic Messages emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startAnthropicEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('frames each event with an event: line equal to its type and sends no [DONE]', async () => {
    const answer = await postRaw(`${emulator.url}/messages`, { model: 'claude-text', max_tokens: 10, messages: [], stream: true }, headers);
    expect(answer.text.startsWith('event: message_start\ndata: {"type":"message_start","message":{"model":"claude-sonnet-4-5-20250929","id":"msg_01QC4g3HwBThD4BaNtBckFDJ",')).toBe(true);
    expect(answer.text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(answer.text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(answer.text).not.toContain('[DONE]');
  });

  it('answers 529 overloaded and 401 without the key, in Anthropic’s error shape', async () => {
    expect(await postRaw(`${emulator.url}/messages`, { model: 'claude-overloaded' }, headers)).toMatchObject({
      status: 529,
      text: '{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}',
    });
    expect((await postRaw(`${emulator.url}/messages`, { model: 'claude-text' })).status).toBe(401);
  });
});
