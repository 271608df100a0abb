// `alerts:` and `alert_delivery:` (docs/alerts.md): rules on a channel's or model's error rate or
// latency, a breaker, upstream keys set aside, a key's quota left, the shared state; the webhooks
// each one notifies, and how messages are delivered.
import * as z from 'zod';
import { alertFormats, type AlertCondition, type AlertDeliveryPolicy, type AlertRule } from '../core/alert.ts';
import { defaultAlertDelivery, defaultAlertHoldS, defaultAlertMinRequests, defaultAlertWindowS } from './defaults.ts';
import type { ConfigFields } from './schema-fields.ts';

const mappingError = { error: 'expected a mapping' };

const conditionNames = ['error_rate', 'p95_ms', 'breaker_open', 'keys_set_aside', 'quota_left_below', 'shared_state_degraded'] as const;

/** `alerts:` rules and `alert_delivery:`, built with the rest of the config schemas (schema.ts). */
export function buildAlertSchemas({ flag, fraction, httpUrl, nonNegativeInteger, positiveInteger, text, textList }: ConfigFields) {
  const whenSchema = z.strictObject(
    {
      error_rate: fraction.nullish().describe('Fire when this share of the upstream attempts failed (failures the circuit breaker counts: never a client\'s bad request), e.g. 0.02.'),
      p95_ms: positiveInteger.nullish().describe('Fire when the 95th percentile of successful attempts\' time to the first token (streams) or the answer (non-stream) is above this many ms.'),
      window_s: positiveInteger.nullish().describe(`error_rate and p95_ms: the sliding window measured over, in seconds. Default ${String(defaultAlertWindowS)}.`),
      min_requests: positiveInteger.nullish().describe(`error_rate and p95_ms: attempts the window must hold before it is judged. Default ${String(defaultAlertMinRequests)}.`),
      breaker_open: flag.nullish().describe('Fire when a circuit of the channel opens; resolves when every one closed.'),
      keys_set_aside: positiveInteger.nullish().describe('Fire when at least this many of the channel\'s upstream keys are set aside (refused by the upstream for the whole channel).'),
      quota_left_below: fraction.nullish().describe('Fire when a client key\'s token quota or USD budget has less than this share left (keys with a quota or budget only), e.g. 0.1.'),
      shared_state_degraded: flag.nullish().describe('Fire while the shared state (Redis) does not answer; resolves when it answers again.'),
    },
    mappingError,
  )
    .refine((when) => conditionNames.filter((name) => when[name] != null && when[name] !== false).length === 1, { error: `expected exactly one condition: ${conditionNames.join(', ')}` })
    .refine((when) => (when.window_s == null && when.min_requests == null) || when.error_rate != null || when.p95_ms != null, { error: 'window_s and min_requests go with error_rate or p95_ms' });

  const notifySchema = z.strictObject(
    {
      url: httpUrl.describe('The webhook address.'),
      format: z.enum(alertFormats, { error: `expected one of ${alertFormats.join(', ')}` }).nullish().describe('generic (Sluice JSON), slack, feishu, dingtalk or wecom. Default generic.'),
      secret: text.nullish().describe('Signing secret (feishu, dingtalk). Default: none, unsigned.'),
    },
    mappingError,
  );

  const alertRuleSchema = z.strictObject(
    {
      name: text.describe('The alert\'s name in messages and GET /admin/api/alerts.'),
      when: whenSchema.describe('The condition, one of: {error_rate, window_s, min_requests}, {p95_ms, window_s, min_requests}, {breaker_open: true}, {keys_set_aside: N}, {quota_left_below: share}, {shared_state_degraded: true}.'),
      channels: textList.min(1, { error: 'expected at least one channel name or glob' }).nullish().describe('Channel names or globs watched (error_rate, p95_ms, breaker_open, keys_set_aside). Default: `*`, every channel.'),
      models: textList.min(1, { error: 'expected at least one model name or glob' }).nullish().describe('error_rate and p95_ms: watch these client models (names or globs) instead of channels. Default: none, channels are watched.'),
      keys: textList.min(1, { error: 'expected at least one key name or glob' }).nullish().describe('quota_left_below: the client key names or globs watched. Default: `*`, every key with a quota or budget.'),
      notify: z.array(notifySchema, { error: 'expected a list of webhooks' }).nullish().describe('Webhooks told when the alert fires and when it resolves. Default: none (listed only).'),
      hold_s: nonNegativeInteger.nullish().describe(`A firing alert stays firing at least this long, in seconds. Default ${String(defaultAlertHoldS)}.`),
    },
    mappingError,
  )
    .refine((rule) => rule.models == null || ((rule.when.error_rate != null || rule.when.p95_ms != null) && rule.channels == null), { error: 'models goes with error_rate or p95_ms, instead of channels' })
    .refine((rule) => rule.keys == null || rule.when.quota_left_below != null, { error: 'keys goes with quota_left_below' });

  const alertDeliverySchema = z.strictObject(
    {
      queue_size: positiveInteger.nullish().describe(`Webhook messages waiting at most; past it new ones are dropped. Default ${String(defaultAlertDelivery.queueSize)}.`),
      attempts: positiveInteger.nullish().describe(`Tries per message when the receiver fails. Default ${String(defaultAlertDelivery.attempts)}.`),
      base_delay_ms: positiveInteger.nullish().describe(`Wait before the second try, doubled after each. Default ${String(defaultAlertDelivery.baseDelayMs)}.`),
      timeout_ms: positiveInteger.nullish().describe(`Bound on one POST to a webhook. Default ${String(defaultAlertDelivery.timeoutMs)}.`),
    },
    mappingError,
  );
  return { rule: alertRuleSchema, delivery: alertDeliverySchema };
}

type AlertSchemas = ReturnType<typeof buildAlertSchemas>;

export type RawAlertRule = z.output<AlertSchemas['rule']>;
export type RawAlertDelivery = z.output<AlertSchemas['delivery']>;

function resolveCondition(when: RawAlertRule['when']): AlertCondition {
  const windowMs = (when.window_s ?? defaultAlertWindowS) * 1000;
  const minRequests = when.min_requests ?? defaultAlertMinRequests;
  if (when.error_rate != null) return { kind: 'error_rate', errorRate: when.error_rate, windowMs, minRequests };
  if (when.p95_ms != null) return { kind: 'p95_latency', p95Ms: when.p95_ms, windowMs, minRequests };
  if (when.keys_set_aside != null) return { kind: 'keys_set_aside', keys: when.keys_set_aside };
  if (when.quota_left_below != null) return { kind: 'quota_left_below', fraction: when.quota_left_below };
  if (when.shared_state_degraded === true) return { kind: 'shared_state_degraded' };
  return { kind: 'breaker_open' };
}

export function resolveAlertRule(raw: RawAlertRule): AlertRule {
  return {
    name: raw.name,
    when: resolveCondition(raw.when),
    channels: raw.channels ?? ['*'],
    models: raw.models ?? undefined,
    keys: raw.keys ?? ['*'],
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
