// `alerts:` and `alert_delivery:` (docs/alerts.md): rules on a channel's error rate or breaker, the
// webhooks each one notifies, and how messages are delivered.
import * as z from 'zod';
import { alertFormats, type AlertDeliveryPolicy, type AlertRule } from '../core/alert.ts';
import { defaultAlertDelivery, defaultAlertHoldS, defaultAlertMinRequests, defaultAlertWindowS } from './defaults.ts';
import { flag, fraction, httpUrl, nonNegativeInteger, positiveInteger, text, textList } from './schema-fields.ts';

const mappingError = { error: 'expected a mapping' };

const whenSchema = z.strictObject(
  {
    error_rate: fraction.nullish().describe('Fire when this share of the channel\'s upstream attempts failed (upstream-caused failures only, not client 4xx), e.g. 0.02.'),
    window_s: positiveInteger.nullish().describe(`The sliding window the error rate is measured over, in seconds. Default ${String(defaultAlertWindowS)}.`),
    min_requests: positiveInteger.nullish().describe(`Attempts the window must hold before the rate is judged. Default ${String(defaultAlertMinRequests)}.`),
    breaker_open: flag.nullish().describe('Fire when a circuit of the channel opens (instead of an error rate); resolves when every one closed.'),
  },
  mappingError,
).refine((when) => (when.error_rate != null) !== (when.breaker_open === true), { error: 'expected either error_rate or breaker_open: true' });

const notifySchema = z.strictObject(
  {
    url: httpUrl.describe('The webhook address.'),
    format: z.enum(alertFormats, { error: `expected one of ${alertFormats.join(', ')}` }).nullish().describe('generic (Sluice JSON), slack, feishu, dingtalk or wecom. Default generic.'),
    secret: text.nullish().describe('Signing secret (feishu, dingtalk). Default: none, unsigned.'),
  },
  mappingError,
);

export const alertRuleSchema = z.strictObject(
  {
    name: text.describe('The alert\'s name in messages and GET /admin/api/alerts.'),
    when: whenSchema.describe('The condition: {error_rate, window_s, min_requests} or {breaker_open: true}.'),
    channels: textList.min(1, { error: 'expected at least one channel name or glob' }).nullish().describe('Channel names or globs watched. Default: `*`, every channel.'),
    notify: z.array(notifySchema, { error: 'expected a list of webhooks' }).nullish().describe('Webhooks told when the alert fires and when it resolves. Default: none (listed only).'),
    hold_s: nonNegativeInteger.nullish().describe(`A firing alert stays firing at least this long, in seconds. Default ${String(defaultAlertHoldS)}.`),
  },
  mappingError,
);

export const alertDeliverySchema = z.strictObject(
  {
    queue_size: positiveInteger.nullish().describe(`Webhook messages waiting at most; past it new ones are dropped. Default ${String(defaultAlertDelivery.queueSize)}.`),
    attempts: positiveInteger.nullish().describe(`Tries per message when the receiver fails. Default ${String(defaultAlertDelivery.attempts)}.`),
    base_delay_ms: positiveInteger.nullish().describe(`Wait before the second try, doubled after each. Default ${String(defaultAlertDelivery.baseDelayMs)}.`),
    timeout_ms: positiveInteger.nullish().describe(`Bound on one POST to a webhook. Default ${String(defaultAlertDelivery.timeoutMs)}.`),
  },
  mappingError,
);

export type RawAlertRule = z.output<typeof alertRuleSchema>;
export type RawAlertDelivery = z.output<typeof alertDeliverySchema>;

export function resolveAlertRule(raw: RawAlertRule): AlertRule {
  const when = raw.when.error_rate == null
    ? { kind: 'breaker_open' as const }
    : { kind: 'error_rate' as const, errorRate: raw.when.error_rate, windowMs: (raw.when.window_s ?? defaultAlertWindowS) * 1000, minRequests: raw.when.min_requests ?? defaultAlertMinRequests };
  return {
    name: raw.name,
    when,
    channels: raw.channels ?? ['*'],
    notify: (raw.notify ?? []).map((notify) => ({ url: notify.url, format: notify.format ?? 'generic', secret: notify.secret ?? undefined })),
    holdMs: (raw.hold_s ?? defaultAlertHoldS) * 1000,
  };
}

export function resolveAlertDelivery(raw: RawAlertDelivery | null | undefined): AlertDeliveryPolicy {
  return {
    queueSize: raw?.queue_size ?? defaultAlertDelivery.queueSize,
    attempts: raw?.attempts ?? defaultAlertDelivery.attempts,
    baseDelayMs: raw?.base_delay_ms ?? defaultAlertDelivery.baseDelayMs,
    maxDelayMs: defaultAlertDelivery.maxDelayMs,
    timeoutMs: raw?.timeout_ms ?? defaultAlertDelivery.timeoutMs,
  };
}
