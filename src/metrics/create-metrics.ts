// Prometheus metrics (prom-client), one registry per Sluice instance. Recording is a few label
// lookups per request, off any await; rendering happens only when /metrics is scraped.
import { collectProcessMetrics } from './collect-process-metrics.ts';
import { Counter, Gauge, Histogram, Registry } from './prom-client-parts.ts';
import { bindCounter, bindHistogram } from './bind-children.ts';
import { cacheChildren } from './cache-children.ts';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const overheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** A finished request as its record has it (src/relay/request-record.ts), read as is: no copy per request. */
export interface RequestObservation {
  /** The model the client asked for. */
  clientModel: string;
  channel: string | undefined;
  status: number;
  clientStream: boolean;
  attempts: ReadonlyArray<{ channel: string; status: number | undefined; errorCode: string | undefined }>;
  adaptations: readonly string[];
  durationMs: number;
  firstTokenMs: number | undefined;
  overheadMs: number | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  usageSource: string | undefined;
  /** The client protocol (issue 14): chat, responses, messages, embeddings; a fixed set, named by the routes. */
  ingress?: string | undefined;
  /** The model the upstream was asked for: what a cost is priced by (docs/cost.md). */
  upstreamModel?: string | undefined;
  /** USD at the configured prices; undefined: unknown (not counted). */
  costUsd?: number | undefined;
  /** What the exact response cache did (hit, miss, bypass); undefined: not in play. */
  cache?: string | undefined;
}

/**
 * Key names that get their own `key` label on the spend counter; later ones share `other`. Keys are
 * created through the admin API without a bound, and every label value is a series for good.
 */
export const maxSpendKeyLabels = 100;

/** The `key` label of requests without a key (keyless Sluice). */
const noKeyLabel = 'none';
const otherKeyLabel = 'other';

/** `learned:stream=required` → `learned:stream`: the kind, without the value, keeps labels few. */
export function adaptationKind(adaptation: string): string {
  const equals = adaptation.indexOf('=');
  return equals === -1 ? adaptation : adaptation.slice(0, equals);
}

export type BreakerStateName = 'closed' | 'half-open' | 'open';
const breakerStateValues: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface MetricsOptions {
  processMetrics: boolean;
  /**
   * The label for a model name, from configured names only (relay/label-model.ts), so /metrics grows
   * with the config and never with traffic. Without one, every model is `unknown`.
   */
  labelModel?: (model: string) => string;
  /** The label for a channel name; without one, every channel is `unknown`. */
  labelChannel?: (channel: string) => string;
}

const unknownLabel = (): string => 'unknown';

export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({ name: 'sluice_requests_total', help: 'Client requests by model, channel, status and stream mode', labelNames: ['model', 'channel', 'status', 'stream'], registers: [this.registry] });
  readonly #attempts = new Counter({ name: 'sluice_upstream_attempts_total', help: 'Upstream attempts by channel and outcome (ok or an error code)', labelNames: ['channel', 'outcome'], registers: [this.registry] });
  readonly #duration = new Histogram({ name: 'sluice_request_duration_seconds', help: 'Total request duration', labelNames: ['model', 'stream'], buckets: latencyBuckets, registers: [this.registry] });
  readonly #firstToken = new Histogram({ name: 'sluice_time_to_first_token_seconds', help: 'Time from request to the first chunk committed to a streaming client', labelNames: ['model'], buckets: latencyBuckets, registers: [this.registry] });
  readonly #overhead = new Histogram({ name: 'sluice_overhead_seconds', help: "Sluice's own time: total minus time spent waiting on upstreams and backoff", buckets: overheadBuckets, registers: [this.registry] });
  readonly #tokens = new Counter({ name: 'sluice_tokens_total', help: 'Tokens by type and usage source (upstream or estimated)', labelNames: ['type', 'source'], registers: [this.registry] });
  readonly #ingress = new Counter({ name: 'sluice_ingress_requests_total', help: 'Client requests by client protocol (chat, responses, messages, embeddings)', labelNames: ['ingress'], registers: [this.registry] });
  // Issue 18: the endpoint (route protocol) a request came by, with its status and duration; a fixed set named by the routes.
  readonly #ingressOutcome = new Counter({ name: 'sluice_ingress_responses_total', help: 'Client requests by client protocol or endpoint (chat, embeddings, moderations, rerank, images.generations, …) and status', labelNames: ['ingress', 'status'], registers: [this.registry] });
  readonly #ingressDuration = new Histogram({ name: 'sluice_ingress_duration_seconds', help: 'Total request duration by client protocol or endpoint', labelNames: ['ingress'], buckets: latencyBuckets, registers: [this.registry] });
  readonly #adaptations = new Counter({ name: 'sluice_adaptations_total', help: 'Adaptations applied, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly #breakerState = new Gauge({ name: 'sluice_breaker_state', help: 'Circuit state per channel and model: 0 closed, 1 half-open, 2 open', labelNames: ['channel', 'model'], registers: [this.registry] });
  readonly #breakerOpened = new Counter({ name: 'sluice_breaker_opened_total', help: 'Times a circuit opened', labelNames: ['channel', 'model'], registers: [this.registry] });
  readonly #spend = new Counter({ name: 'sluice_spend_usd_total', help: 'USD spent at the configured prices, by key, channel and upstream model (requests without a price are not counted)', labelNames: ['key', 'channel', 'model'], registers: [this.registry] });
  readonly #cache = new Counter({ name: 'sluice_cache_requests_total', help: 'Requests the exact response cache saw, by result (hit, miss, bypass, unavailable: the shared store did not answer)', labelNames: ['result'], registers: [this.registry] });
  readonly #activeStreams = new Gauge({ name: 'sluice_active_streams', help: 'Streams being written to clients', registers: [this.registry] });

  // The per-request series, each child bound once per label tuple (cache-children.ts, bind-children.ts).
  readonly #requestsBy = cacheChildren((...values) => bindCounter(this.#requests, values));
  readonly #attemptsBy = cacheChildren((...values) => bindCounter(this.#attempts, values));
  readonly #durationBy = cacheChildren((...values) => bindHistogram(this.#duration, values));
  readonly #firstTokenBy = cacheChildren((...values) => bindHistogram(this.#firstToken, values));
  readonly #tokensBy = cacheChildren((...values) => bindCounter(this.#tokens, values));
  readonly #ingressBy = cacheChildren((...values) => bindCounter(this.#ingress, values));
  readonly #ingressOutcomeBy = cacheChildren((...values) => bindCounter(this.#ingressOutcome, values));
  readonly #ingressDurationBy = cacheChildren((...values) => bindHistogram(this.#ingressDuration, values));
  readonly #adaptationsBy = cacheChildren((...values) => bindCounter(this.#adaptations, values));
  readonly #spendBy = cacheChildren((...values) => bindCounter(this.#spend, values));
  readonly #overheadSeries = bindHistogram(this.#overhead, []);
  readonly #keyLabels = new Set<string>();

  readonly #labelModel: (model: string) => string;
  readonly #labelChannel: (channel: string) => string;

  constructor(options: MetricsOptions) {
    if (options.processMetrics) collectProcessMetrics(this.registry, 'sluice_');
    this.#labelModel = options.labelModel ?? unknownLabel;
    this.#labelChannel = options.labelChannel ?? unknownLabel;
  }

  observeRequest(request: RequestObservation, keyName: string | undefined): void {
    const stream = request.clientStream ? 'true' : 'false';
    const model = this.#labelModel(request.clientModel);
    this.#requestsBy.get(model, request.channel === undefined ? 'none' : this.#labelChannel(request.channel), String(request.status), stream).inc();
    for (const attempt of request.attempts) this.#attemptsBy.get(this.#labelChannel(attempt.channel), attempt.errorCode ?? 'ok').inc();
    this.#durationBy.get(model, stream).observe(request.durationMs / 1000);
    if (request.firstTokenMs !== undefined) this.#firstTokenBy.get(model).observe(request.firstTokenMs / 1000);
    if (request.overheadMs !== undefined) this.#overheadSeries.observe(Math.max(0, request.overheadMs) / 1000);
    const source = request.usageSource ?? 'none';
    if (request.promptTokens !== undefined) this.#tokensBy.get('prompt', source).inc(request.promptTokens);
    if (request.completionTokens !== undefined) this.#tokensBy.get('completion', source).inc(request.completionTokens);
    for (const adaptation of request.adaptations) this.#adaptationsBy.get(adaptationKind(adaptation)).inc();
    if (request.ingress !== undefined) {
      this.#ingressBy.get(request.ingress).inc();
      this.#ingressOutcomeBy.get(request.ingress, String(request.status)).inc();
      this.#ingressDurationBy.get(request.ingress).observe(request.durationMs / 1000);
    }
    if (request.cache !== undefined) this.#cache.labels(request.cache).inc();
    if (request.costUsd !== undefined) {
      const channel = request.channel === undefined ? 'none' : this.#labelChannel(request.channel);
      this.#spendBy.get(this.#labelKey(keyName), channel, this.#labelModel(request.upstreamModel ?? request.clientModel)).inc(request.costUsd);
    }
  }

  /** A key's own label while fewer than `maxSpendKeyLabels` keys have one, else `other`. */
  #labelKey(keyName: string | undefined): string {
    if (keyName === undefined) return noKeyLabel;
    if (this.#keyLabels.has(keyName)) return keyName;
    if (this.#keyLabels.size >= maxSpendKeyLabels) return otherKeyLabel;
    this.#keyLabels.add(keyName);
    return keyName;
  }

  observeBreaker(channel: string, model: string, state: BreakerStateName): void {
    const labels = { channel: this.#labelChannel(channel), model: this.#labelModel(model) };
    this.#breakerState.set(labels, breakerStateValues[state]);
    if (state === 'open') this.#breakerOpened.inc(labels);
  }

  streamStarted(): void {
    this.#activeStreams.inc();
  }

  streamEnded(): void {
    this.#activeStreams.dec();
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** `sluice_cache_requests_total` by result, for the admin API's GET /cache. */
  async cacheCounts(): Promise<Record<string, number>> {
    const { values } = await this.#cache.get();
    return Object.fromEntries(values.map((sample) => [String(sample.labels.result), sample.value]));
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
