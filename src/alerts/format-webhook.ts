// One alert as the HTTP request each webhook format expects. Pure: the time is passed in.
import { createHmac } from 'node:crypto';
import type { AlertEvent, AlertNotify } from '../core/alert.ts';

export interface WebhookRequest {
  url: string;
  body: string;
}

/** WeCom takes at most 2048 bytes of text: this many characters fit even at 3 UTF-8 bytes each. */
const wecomTextChars = 682;

/** The generic format's fields (docs/alerts.md "Webhook formats"). */
export function describeAlertFields(event: AlertEvent): Record<string, unknown> {
  return {
    rule: event.rule,
    kind: event.kind,
    subject: event.subject,
    name: event.name,
    channel: event.subject === 'channel' ? event.name : null,
    state: event.state,
    summary: event.summary,
    value: event.value ?? null,
    threshold: event.threshold ?? null,
    error_rate: event.kind === 'error_rate' ? (event.value ?? null) : null,
    requests: event.requests ?? null,
    at: new Date(event.at).toISOString(),
    fired_at: new Date(event.firedAt).toISOString(),
  };
}

const subjectWords = { channel: 'channel', model: 'model', key: 'key', shared_state: 'shared state' } as const;

/** The one line a chat message says. */
export function describeAlert(event: AlertEvent): string {
  const mark = event.state === 'firing' ? '[FIRING]' : '[RESOLVED]';
  return `${mark} Sluice alert ${event.rule} on ${subjectWords[event.subject]} ${event.name}: ${event.summary}`;
}

/**
 * Feishu custom bot: the key is `timestamp + "\n" + secret`, HMAC-SHA256 over an empty message,
 * base64, sent as `timestamp` (seconds) and `sign` in the body beside `msg_type: "text"`
 * (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, "签名校验").
 */
export function signFeishu(secret: string, timestampS: number): string {
  return createHmac('sha256', `${String(timestampS)}\n${secret}`).update('').digest('base64');
}

/**
 * DingTalk custom robot: HMAC-SHA256 keyed by the secret over `timestamp + "\n" + secret`, base64,
 * then URL-encoded, sent as the `timestamp` (ms) and `sign` query parameters
 * (https://open.dingtalk.com/document/robots/customize-robot-security-settings, "加签").
 */
export function signDingtalk(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${String(timestampMs)}\n${secret}`).digest('base64');
}

function withQuery(url: string, parameters: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(parameters)) target.searchParams.set(name, value);
  return target.toString();
}

export function formatWebhook(event: AlertEvent, notify: AlertNotify, nowMs: number): WebhookRequest {
  const text = describeAlert(event);
  switch (notify.format) {
    case 'generic':
      return { url: notify.url, body: JSON.stringify({ source: 'sluice', ...describeAlertFields(event), text }) };
    case 'slack':
      // Incoming webhooks take `{"text": …}` (https://api.slack.com/messaging/webhooks).
      return { url: notify.url, body: JSON.stringify({ text }) };
    case 'feishu': {
      const timestamp = Math.floor(nowMs / 1000);
      const signed = notify.secret === undefined ? {} : { timestamp: String(timestamp), sign: signFeishu(notify.secret, timestamp) };
      return { url: notify.url, body: JSON.stringify({ ...signed, msg_type: 'text', content: { text } }) };
    }
    case 'dingtalk': {
      // Message body: https://open.dingtalk.com/document/robots/custom-robot-access (msgtype text).
      const url = notify.secret === undefined ? notify.url : withQuery(notify.url, { timestamp: String(nowMs), sign: signDingtalk(notify.secret, nowMs) });
      return { url, body: JSON.stringify({ msgtype: 'text', text: { content: text } }) };
    }
    case 'wecom':
      // WeCom group robot, text message (content at most 2048 UTF-8 bytes):
      // https://developer.work.weixin.qq.com/document/path/99398
      return { url: notify.url, body: JSON.stringify({ msgtype: 'text', text: { content: text.slice(0, wecomTextChars) } }) };
  }
}
