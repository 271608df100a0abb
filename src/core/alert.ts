// Alert rules as the config resolves them, and what the alert engine reports (docs/alerts.md).

/** Webhook message formats: Sluice's own JSON, or the chat service's text message. */
export const alertFormats = ['generic', 'slack', 'feishu', 'dingtalk', 'wecom'] as const;
export type AlertFormat = (typeof alertFormats)[number];

export interface AlertNotify {
  url: string;
  format: AlertFormat;
  /** Signing secret (Feishu, DingTalk); undefined: sent unsigned. */
  secret: string | undefined;
}

/** The share of failed upstream attempts over a sliding window, once the window holds `minRequests`. */
export interface ErrorRateCondition {
  kind: 'error_rate';
  errorRate: number;
  windowMs: number;
  minRequests: number;
}

/** The 95th percentile of successful attempts' time to the commit point over a window, above `p95Ms`. */
export interface LatencyCondition {
  kind: 'p95_latency';
  p95Ms: number;
  windowMs: number;
  minRequests: number;
}

/** A circuit of the channel (any model) opened. */
export interface BreakerOpenCondition {
  kind: 'breaker_open';
}

/** At least `keys` of the channel's upstream keys are set aside (refused for the whole channel). */
export interface KeysSetAsideCondition {
  kind: 'keys_set_aside';
  keys: number;
}

/** A client key's token quota or USD budget has less than this share left. */
export interface QuotaLeftCondition {
  kind: 'quota_left_below';
  fraction: number;
}

/** The shared state (Redis) does not answer: limits are held per instance. */
export interface SharedStateDegradedCondition {
  kind: 'shared_state_degraded';
}

export type AlertCondition = ErrorRateCondition | LatencyCondition | BreakerOpenCondition | KeysSetAsideCondition | QuotaLeftCondition | SharedStateDegradedCondition;

/** What one alert is about: a channel, a client model, a client key, or this instance's shared state. */
export type AlertSubject = 'channel' | 'model' | 'key' | 'shared_state';

export interface AlertRule {
  name: string;
  when: AlertCondition;
  /** Channel names or globs the rule watches (channel subjects). */
  channels: string[];
  /** Client model names or globs: an error-rate or latency rule on models instead of channels; undefined: on channels. */
  models: string[] | undefined;
  /** Client key names or globs a `quota_left_below` rule watches. */
  keys: string[];
  notify: AlertNotify[];
  /** A firing alert stays firing at least this long (`hold_s`). */
  holdMs: number;
}

export type AlertState = 'firing' | 'resolved';

/** One alert: a rule on one subject, firing or resolved; sent to the rule's webhooks on each change. */
export interface AlertEvent {
  rule: string;
  /** The condition's kind (`error_rate`, `p95_latency`, …). */
  kind: AlertCondition['kind'];
  subject: AlertSubject;
  /** The channel, model or key name; `redis` for the shared state. */
  name: string;
  state: AlertState;
  /** What the condition measured when it changed, in words. */
  summary: string;
  /** The measured value (error rate, p95 ms, keys set aside, share left, 1 for down) and the rule's bound. */
  value: number | undefined;
  threshold: number | undefined;
  /** Error-rate and latency rules: attempts in the window. */
  requests: number | undefined;
  /** Epoch ms. */
  at: number;
  firedAt: number;
}

/** How alert messages reach webhooks (`alert_delivery`, docs/alerts.md "Delivery"). */
export interface AlertDeliveryPolicy {
  /** Messages waiting at most; past it new ones are dropped (and counted). */
  queueSize: number;
  /** Tries per message, the first included. */
  attempts: number;
  /** Wait before the second try; doubled each time, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One POST, answer included. */
  timeoutMs: number;
}
