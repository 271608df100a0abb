// Alerts end to end (docs/alerts.md): an upstream that starts failing, a rule on its error rate, and a
// local receiver per webhook format. The alert fires once when the rate passes the threshold with
// enough volume, resolves once, reaches every receiver in its own format (signatures checked the
// way Feishu and DingTalk check them), and reaches a receiver that failed twice on the third try.
// A client's bad request (the upstream's 400) is not counted.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionJson, startYamlGateway, type YamlGateway } from '../support/start-yaml-gateway.ts';

const adminKey = 'alerts-admin-key-0123456789';
const feishuSecret = 'feishu-secret';
const dingtalkSecret = 'SECdingtalk';

interface Received {
  url: string;
  body: Record<string, unknown>;
  answered: number;
}

interface Receiver {
  url: string;
  received: Received[];
  server: Server;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/** A webhook receiver on port 0; `failFirst` answers 500 to that many POSTs before accepting. */
async function startReceiver(failFirst = 0): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    void readJson(request).then((body) => {
      const answered = received.length < failFirst ? 500 : 200;
      received.push({ url: request.url ?? '', body, answered });
      response.writeHead(answered, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hook?access_token=t`, received, server };
}

/** An upstream that answers 500 (its own failure), 400 (a refusal of the request) or a completion. */
async function startUpstream(): Promise<{ url: string; mode: { answer: 'ok' | 'fail' | 'reject' }; server: Server }> {
  const mode: { answer: 'ok' | 'fail' | 'reject' } = { answer: 'ok' };
  const server = createServer((request, response) => {
    void readJson(request).then(() => {
      if (mode.answer === 'fail') response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"internal failure"}}');
      else if (mode.answer === 'reject') response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"Invalid value for temperature"}}');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(completionJson('fine'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/v1`, mode, server };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const formats = ['generic', 'slack', 'feishu', 'dingtalk', 'wecom'] as const;

describe('alerts on a channel error rate', () => {
  let gateway: YamlGateway;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  const receivers = new Map<string, Receiver>();

  beforeAll(async () => {
    upstream = await startUpstream();
    for (const format of formats) receivers.set(format, await startReceiver());
    receivers.set('flaky', await startReceiver(2));
    const notify = [
      ...formats.map((format) => ({ url: receivers.get(format)?.url, format, ...(format === 'feishu' ? { secret: feishuSecret } : format === 'dingtalk' ? { secret: dingtalkSecret } : {}) })),
      { url: receivers.get('flaky')?.url, format: 'generic' },
    ];
    gateway = await startYamlGateway([
      `admin_key: ${adminKey}`,
      'channels:',
      `  - { name: primary, type: openai, base_url: "${upstream.url}", api_key: k, models: [m] }`,
      'retry: { attempts: 1 }',
      'breaker: { min_calls: 1000 }',
      'alert_delivery: { base_delay_ms: 20, timeout_ms: 2000 }',
      'alerts:',
      '  - name: primary-errors',
      '    when: { error_rate: 0.5, window_s: 1, min_requests: 5 }',
      '    channels: ["prim*"]',
      '    hold_s: 0',
      `    notify: ${JSON.stringify(notify)}`,
    ].join('\n'));
  });

  afterAll(async () => {
    await gateway.close();
    for (const server of [upstream.server, ...[...receivers.values()].map((receiver) => receiver.server)]) server.close();
  });

  async function send(count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await gateway.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    }
  }

  async function listAlerts(): Promise<Array<Record<string, unknown>>> {
    const response = await fetch(`${gateway.url}/admin/api/alerts`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: Array<Record<string, unknown>> }).data;
  }

  const delivered = (name: string): Received[] => (receivers.get(name)?.received ?? []).filter((entry) => entry.answered === 200);

  it('does not count upstream refusals of the request (client 4xx)', async () => {
    upstream.mode.answer = 'reject';
    await send(8);
    expect(await listAlerts()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  });

  it('fires once when the upstream error rate passes the threshold with enough volume', async () => {
    upstream.mode.answer = 'fail';
    await send(4);
    expect(await listAlerts()).toEqual([]);
    await send(6);
    const alerts = await listAlerts();
    expect(alerts).toMatchObject([{ rule: 'primary-errors', channel: 'primary', state: 'firing' }]);
    await waitFor(() => [...formats, 'flaky'].every((name) => delivered(name).length === 1), 'the firing message at every receiver');
    for (const name of formats) expect(receivers.get(name)?.received).toHaveLength(1);
  });

  it('retries a receiver that fails twice, and it gets the alert on the third try', () => {
    const flaky = receivers.get('flaky')?.received ?? [];
    expect(flaky.map((entry) => entry.answered)).toEqual([500, 500, 200]);
    expect(flaky[2]?.body).toMatchObject({ source: 'sluice', rule: 'primary-errors', channel: 'primary', state: 'firing' });
  });

  it('sends each format its own message, signed where the service signs', () => {
    expect(delivered('generic')[0]?.body).toMatchObject({ source: 'sluice', rule: 'primary-errors', channel: 'primary', state: 'firing', requests: 5, error_rate: 1 });
    expect(delivered('slack')[0]?.body).toEqual({ text: expect.stringContaining('[FIRING] Sluice alert primary-errors on channel primary') as unknown });
    expect(delivered('wecom')[0]?.body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('[FIRING]') as unknown } });

    const feishu = delivered('feishu')[0]?.body ?? {};
    expect(feishu).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining('[FIRING]') as unknown } });
    const feishuTimestamp = Number(feishu['timestamp']);
    expect(Math.abs(Date.now() / 1000 - feishuTimestamp)).toBeLessThan(60);
    expect(feishu['sign']).toBe(createHmac('sha256', `${String(feishu['timestamp'])}\n${feishuSecret}`).update('').digest('base64'));

    const dingtalk = delivered('dingtalk')[0];
    expect(dingtalk?.body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('[FIRING]') as unknown } });
    const query = new URL(dingtalk?.url ?? '', 'http://receiver').searchParams;
    expect(query.get('access_token')).toBe('t');
    const dingtalkTimestamp = query.get('timestamp') ?? '';
    expect(Math.abs(Date.now() - Number(dingtalkTimestamp))).toBeLessThan(60_000);
    expect(query.get('sign')).toBe(createHmac('sha256', dingtalkSecret).update(`${dingtalkTimestamp}\n${dingtalkSecret}`).digest('base64'));
  });

  it('resolves once when the upstream recovers', async () => {
    upstream.mode.answer = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await send(6);
    await waitFor(() => [...formats, 'flaky'].every((name) => delivered(name).length === 2), 'the resolved message at every receiver');
    await send(6);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const name of formats) {
      expect(receivers.get(name)?.received).toHaveLength(2);
      expect(JSON.stringify(delivered(name)[1]?.body)).toContain(name === 'generic' ? '"state":"resolved"' : '[RESOLVED]');
    }
    expect(await listAlerts()).toMatchObject([{ rule: 'primary-errors', channel: 'primary', state: 'resolved' }]);
  });
});

describe('alerts on a breaker opening', () => {
  it('fires when the channel\'s circuit opens and resolves once when it closes again', async () => {
    const upstream = await startUpstream();
    const receiver = await startReceiver();
    const gateway = await startYamlGateway([
      `admin_key: ${adminKey}`,
      'channels:',
      `  - { name: primary, type: openai, base_url: "${upstream.url}", api_key: k, models: [m] }`,
      'retry: { attempts: 1 }',
      'breaker: { min_calls: 3, failure_rate: 0.5, cooldown_ms: 300 }',
      'alerts:',
      '  - name: primary-breaker',
      '    when: { breaker_open: true }',
      '    hold_s: 0',
      `    notify: [{ url: "${receiver.url}" }]`,
    ].join('\n'));
    try {
      const send = (): Promise<unknown> => gateway.client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
      upstream.mode.answer = 'fail';
      for (let index = 0; index < 5; index += 1) await send();
      await waitFor(() => receiver.received.length === 1, 'the firing message');
      expect(receiver.received[0]?.body).toMatchObject({ rule: 'primary-breaker', channel: 'primary', state: 'firing', summary: 'primary: circuit open for m' });
      upstream.mode.answer = 'ok';
      await new Promise((resolve) => setTimeout(resolve, 350));
      for (let index = 0; index < 3; index += 1) await send();
      await waitFor(() => receiver.received.length === 2, 'the resolved message');
      expect(receiver.received[1]?.body).toMatchObject({ state: 'resolved' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.received).toHaveLength(2);
    } finally {
      await gateway.close();
      upstream.server.close();
      receiver.server.close();
    }
  });
});
