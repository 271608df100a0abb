// A client must not be able to fire a channel alert (docs/alerts.md "error_rate"): the alert counts
// an attempt as failed only when the circuit breaker does (the attempt's countsAgainstChannel, set
// by relay/attempt-loop.ts). A body two channels both answer 500 (the body is at fault) and a body an
// upstream answers 501 Not Implemented (a 5xx that is no transient failure) do not fire it; the
// upstreams' own 503s do. The request log shows the verdict per attempt.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, eventually, type AdminCall } from '../support/admin-client.ts';
import { readJsonBody, sleepMs, startAlertReceiver, waitUntil, type AlertReceiver } from '../support/alert-receiver.ts';
import { completionJson, startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const adminKey = 'alerts-client-fault-admin-0123';

/** Answers by the body: "poison" → 500, "unsupported" → 501; otherwise 503 while `down`, else a completion. */
async function startUpstream(): Promise<{ url: string; state: { down: boolean }; server: Server }> {
  const state = { down: false };
  const server = createServer((request, response) => {
    void readJsonBody(request).then((body) => {
      const text = JSON.stringify(body.messages);
      const answer = (status: number, message: string): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } }));
      };
      if (text.includes('poison')) answer(500, 'internal error while reading the prompt');
      else if (text.includes('unsupported')) answer(501, 'this feature is not implemented');
      else if (state.down) answer(503, 'overloaded');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(completionJson('fine'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/v1`, state, server };
}

describe('a client cannot fire a channel error-rate alert', () => {
  let gateway: YamlGateway;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let receiver: AlertReceiver;
  let admin: AdminCall;

  beforeAll(async () => {
    upstream = await startUpstream();
    receiver = await startAlertReceiver();
    gateway = await startYamlGateway([
      `admin_key: ${adminKey}`,
      'channels:',
      `  - { name: a, type: openai, base_url: "${upstream.url}", api_key: k, models: [m] }`,
      `  - { name: b, type: openai, base_url: "${upstream.url}", api_key: k, models: [m] }`,
      'retry: { attempts: 1 }',
      'breaker: { min_calls: 1000 }',
      'alerts:',
      '  - name: channel-errors',
      '    when: { error_rate: 0.5, window_s: 1, min_requests: 3 }',
      '    hold_s: 0',
      `    notify: [{ url: "${receiver.url}" }]`,
    ].join('\n'));
    admin = createAdminClient(gateway.url, adminKey);
  });

  afterAll(async () => {
    await gateway.close();
    upstream.server.close();
    receiver.close();
  });

  async function send(content: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const answer = await gateway.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] }).withResponse().catch((error: unknown) => error);
      ids.push((answer as { response?: Response; headers?: Headers }).response?.headers.get('x-request-id') ?? (answer as { headers?: Headers }).headers?.get('x-request-id') ?? '');
    }
    return ids;
  }

  it('does not count bodies the upstreams blame on the request, and the log says so per attempt', async () => {
    const poisoned = await send('poison', 6);
    await send('unsupported', 6);
    await sleepMs(100);
    expect((await admin('GET', '/alerts')).body.data).toEqual([]);
    expect(receiver.received).toEqual([]);
    const row = await eventually(() => admin('GET', `/logs/${poisoned[0] ?? ''}`), (answer) => answer.status === 200);
    expect(row.body).toMatchObject({ adaptations: ['request-fault'], attempts: [{ status: 500, counts_against_channel: false }, { status: 500, counts_against_channel: false }] });
    await sleepMs(1_100);
  });

  it('fires for the upstreams\' own 5xx, and the log counts those attempts', async () => {
    upstream.state.down = true;
    const ids = await send('hi', 4);
    await waitUntil(() => receiver.received.length === 2, 'a firing message per channel');
    expect(receiver.received.map((entry) => [entry.body.channel, entry.body.state]).sort()).toEqual([['a', 'firing'], ['b', 'firing']]);
    const row = await eventually(() => admin('GET', `/logs/${ids[0] ?? ''}`), (answer) => answer.status === 200);
    expect(row.body).toMatchObject({ attempts: [{ status: 503, counts_against_channel: true }, { status: 503, counts_against_channel: true }] });
  });
});
