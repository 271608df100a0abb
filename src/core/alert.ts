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

/** A channel's upstream-caused error rate over a sliding window, once the window holds `minRequests`. */
export interface ErrorRateCondition {
  kind: 'error_rate';
  errorRate: number;
  windowMs: number;
  minRequests: number;
}

/** A circuit of the channel (any model) opened. */
export interface BreakerOpenCondition {
  kind: 'breaker_open';
}

export interface AlertRule {
  name: string;
  when: ErrorRateCondition | BreakerOpenCondition;
  /** Channel names or globs the rule watches. */
  channels: string[];
  notify: AlertNotify[];
  /** A firing alert stays firing at least this long (`hold_s`). */
  holdMs: number;
}

export type AlertState = 'firing' | 'resolved';

/** One alert: a rule on one channel, firing or resolved; sent to the rule's webhooks on each change. */
export interface AlertEvent {
  rule: string;
  channel: string;
  state: AlertState;
  /** What the condition measured when it changed (error rate and volume, or the open circuit's model). */
  summary: string;
  errorRate: number | undefined;
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
