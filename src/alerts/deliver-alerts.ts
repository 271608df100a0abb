// Sends alert messages to webhooks off the request path: a bounded queue (past it the newest message
// is dropped and counted), one delivery at a time, each POST bounded by a timeout, and a failed one
// (no answer, or not 2xx) retried with exponential backoff up to `attempts` times.
import type { AlertDeliveryPolicy, AlertEvent, AlertNotify } from '../core/alert.ts';
import { formatWebhook, type WebhookRequest } from './format-webhook.ts';

export type DeliveryPolicy = AlertDeliveryPolicy;

/** POSTs the JSON body; resolves to the HTTP status, rejects when there was no answer in time. */
export type PostWebhook = (request: WebhookRequest, timeoutMs: number) => Promise<number>;

export interface DeliveryOutcome {
  rule: string;
  url: string;
  delivered: boolean;
  tries: number;
  error: string | undefined;
}

interface Message {
  event: AlertEvent;
  notify: AlertNotify;
}

export class AlertDelivery {
  readonly #queue: Message[] = [];
  readonly #policy: DeliveryPolicy;
  readonly #post: PostWebhook;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #onOutcome: (outcome: DeliveryOutcome) => void;
  readonly #onDropped: (rule: string) => void;
  #running: Promise<void> | undefined;
  #closed = false;
  dropped = 0;

  constructor(policy: DeliveryPolicy, post: PostWebhook, options: { now: () => number; sleep: (ms: number) => Promise<void>; onOutcome: (outcome: DeliveryOutcome) => void; onDropped?: (rule: string) => void }) {
    this.#policy = policy;
    this.#post = post;
    this.#now = options.now;
    this.#sleep = options.sleep;
    this.#onOutcome = options.onOutcome;
    this.#onDropped = options.onDropped ?? (() => undefined);
  }

  /** Queues the alert for each of its webhooks; returns at once. */
  enqueue(event: AlertEvent, notify: readonly AlertNotify[]): void {
    for (const target of notify) {
      if (this.#closed || this.#queue.length >= this.#policy.queueSize) {
        this.dropped += 1;
        this.#onDropped(event.rule);
        continue;
      }
      this.#queue.push({ event, notify: target });
    }
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when every queued message has been delivered or given up on. */
  async idle(): Promise<void> {
    await this.#running;
  }

  /**
   * Stops taking messages and waits only for the POST in flight (bounded by `timeoutMs`): no more
   * retries or waiting messages, so a receiver that is down does not hold up shutdown.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.dropped += this.#queue.length;
    for (const message of this.#queue.splice(0)) this.#onDropped(message.event.rule);
    await this.#running;
  }

  async #drain(): Promise<void> {
    for (let message = this.#queue.shift(); message !== undefined; message = this.#queue.shift()) {
      this.#onOutcome(await this.#deliver(message));
    }
  }

  async #deliver(message: Message): Promise<DeliveryOutcome> {
    let error = '';
    for (let tries = 1; tries <= this.#policy.attempts; tries += 1) {
      // Signed formats carry the time: each try is formatted (and signed) afresh.
      const request = formatWebhook(message.event, message.notify, this.#now());
      try {
        const status = await this.#post(request, this.#policy.timeoutMs);
        if (status >= 200 && status < 300) return { rule: message.event.rule, url: message.notify.url, delivered: true, tries, error: undefined };
        error = `answered ${String(status)}`;
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
      if (this.#closed) return { rule: message.event.rule, url: message.notify.url, delivered: false, tries, error };
      if (tries < this.#policy.attempts) await this.#sleep(Math.min(this.#policy.maxDelayMs, this.#policy.baseDelayMs * 2 ** (tries - 1)));
    }
    return { rule: message.event.rule, url: message.notify.url, delivered: false, tries: this.#policy.attempts, error };
  }
}
