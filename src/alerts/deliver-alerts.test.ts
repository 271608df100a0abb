import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertNotify } from '../core/alert.ts';
import { AlertDelivery, type DeliveryOutcome } from './deliver-alerts.ts';
import { formatWebhook, signDingtalk, signFeishu } from './format-webhook.ts';

const event: AlertEvent = { rule: 'errors', kind: 'error_rate', subject: 'channel', name: 'primary', state: 'firing', summary: 's', value: 0.5, threshold: 0.1, requests: 20, at: 0, firedAt: 0 };
const policy = { queueSize: 2, attempts: 3, baseDelayMs: 100, maxDelayMs: 150, timeoutMs: 1000 };

function startDelivery(answers: Array<number | Error>) {
  const posts: string[] = [];
  const sleeps: number[] = [];
  const outcomes: DeliveryOutcome[] = [];
  const dropped: string[] = [];
  const delivery = new AlertDelivery(policy, (request, timeoutMs) => {
    expect(timeoutMs).toBe(1000);
    posts.push(request.url);
    const answer = answers.shift() ?? 200;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }, {
    now: () => 1_700_000_000_000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    onOutcome: (outcome) => outcomes.push(outcome),
    onDropped: (rule) => dropped.push(rule),
  });
  return { delivery, posts, sleeps, outcomes, dropped };
}

const notify = (url: string): AlertNotify => ({ url, format: 'generic', secret: undefined });

describe('AlertDelivery', () => {
  it('retries a failing receiver with doubling, capped backoff and gives up after the last try', async () => {
    const { delivery, posts, sleeps, outcomes } = startDelivery([500, new Error('connect ECONNREFUSED'), 503]);
    delivery.enqueue(event, [notify('http://a/')]);
    await delivery.idle();
    expect(posts).toHaveLength(3);
    expect(sleeps).toEqual([100, 150]);
    expect(outcomes).toEqual([{ rule: 'errors', url: 'http://a/', delivered: false, tries: 3, error: 'answered 503' }]);
  });

  it('stops retrying once the receiver accepts', async () => {
    const { delivery, posts, outcomes } = startDelivery([500, 204]);
    delivery.enqueue(event, [notify('http://a/')]);
    await delivery.idle();
    expect(posts).toHaveLength(2);
    expect(outcomes).toMatchObject([{ delivered: true, tries: 2 }]);
  });

  it('drops messages past the queue bound instead of growing', async () => {
    const { delivery, posts, dropped } = startDelivery([]);
    delivery.enqueue(event, [notify('http://a/'), notify('http://b/'), notify('http://c/'), notify('http://d/')]);
    await delivery.idle();
    expect(delivery.dropped).toBe(2);
    expect(dropped).toEqual(['errors', 'errors']);
    expect(posts).toEqual(['http://a/', 'http://b/']);
  });
});

describe('AlertDelivery.close', () => {
  it('drops waiting messages and stops retrying, so shutdown is not held up by a receiver that is down', async () => {
    const { delivery, posts, outcomes, dropped } = startDelivery([500, 500, 500, 500]);
    delivery.enqueue(event, [notify('http://a/'), notify('http://b/')]);
    await delivery.close();
    expect(dropped).toEqual(['errors']);
    expect(posts).toEqual(['http://a/']);
    expect(outcomes).toMatchObject([{ url: 'http://a/', delivered: false, tries: 1 }]);
    expect(delivery.dropped).toBe(1);
  });
});

describe('formatWebhook', () => {
  it('signs Feishu in the body with the time in seconds', () => {
    const body = JSON.parse(formatWebhook(event, { url: 'https://open.feishu.cn/hook/x', format: 'feishu', secret: 'sec' }, 1_700_000_000_123).body) as Record<string, unknown>;
    expect(body).toMatchObject({ timestamp: '1700000000', sign: signFeishu('sec', 1_700_000_000), msg_type: 'text' });
  });

  it('signs DingTalk in the query with the time in milliseconds, keeping the access token', () => {
    const { url } = formatWebhook(event, { url: 'https://oapi.dingtalk.com/robot/send?access_token=t', format: 'dingtalk', secret: 'sec' }, 1_700_000_000_123);
    const query = new URL(url).searchParams;
    expect(query.get('access_token')).toBe('t');
    expect(query.get('timestamp')).toBe('1700000000123');
    expect(query.get('sign')).toBe(signDingtalk('sec', 1_700_000_000_123));
  });

  it('leaves a format unsigned without a secret', () => {
    const request = formatWebhook(event, { url: 'https://oapi.dingtalk.com/robot/send?access_token=t', format: 'dingtalk', secret: undefined }, 0);
    expect(request.url).toBe('https://oapi.dingtalk.com/robot/send?access_token=t');
  });
});
