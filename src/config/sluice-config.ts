// The resolved configuration the rest of Sluice uses: camelCase, every default filled in.

import type { BreakerPolicy, Channel, RetryPolicy, TimeoutPolicy } from '../core/channel.ts';
import type { ServerSettings } from './server-settings.ts';

export interface ClientKey {
  name: string;
  key: string;
  /** Client model names or globs this key may call. */
  models: string[];
  /** Requests per minute; undefined: unlimited. */
  rpm: number | undefined;
  /** Tokens per minute; undefined: unlimited. */
  tpm: number | undefined;
}

export interface SluiceConfig {
  /** The file the config came from, as given; undefined: the embedded default. */
  file: string | undefined;
  listen: { host: string; port: number };
  /** `sqlite:<path>` or `postgres://…`. */
  store: string;
  adminKey: string | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <metrics_key>`. */
  metricsKey: string | undefined;
  /** Timeouts and connection limits of the HTTP server. */
  server: ServerSettings;
  keys: ClientKey[];
  channels: Channel[];
  /** Client model → models tried after every channel of it failed. */
  fallbacks: Record<string, string[]>;
  retry: RetryPolicy;
  timeouts: TimeoutPolicy;
  breaker: BreakerPolicy;
  limits: { bodyBytes: number };
  /** `keepaliveMs`: send a `: keep-alive` comment to the client when the upstream is silent this long. */
  sse: { keepaliveMs: number };
  logLevel: string;
}
