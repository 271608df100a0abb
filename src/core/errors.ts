// One error base and one catalog (docs/style.md 6). server/ renders a GatewayError in exactly one place.
// docs/errors.md is checked against this catalog by a test.

export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'timeout_error';

export interface CatalogEntry {
  status: number;
  type: OpenAiErrorType;
  retryable: boolean;
  hint: string;
}

export const errorCatalog = {
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'Send a JSON object as the request body.',
  },
  invalid_request: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'Fix the field named in `param`; see the OpenAI Chat Completions reference for its type.',
  },
  body_too_large: {
    status: 413,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'Send a smaller body, or raise the setting the message names in the Sluice config (`limits.body_bytes`; `limits.upload_bytes` for uploads).',
  },
  missing_api_key: {
    status: 401,
    type: 'authentication_error',
    retryable: false,
    hint: 'Send `Authorization: Bearer <key>` with a key from the Sluice config.',
  },
  invalid_api_key: {
    status: 401,
    type: 'authentication_error',
    retryable: false,
    hint: 'Check the key; ask the Sluice operator for a valid one.',
  },
  model_not_allowed: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    hint: "Use a model listed in this key's `models`, or ask the operator to allow it.",
  },
  host_not_allowed: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    hint: 'Keyless Sluice answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]); add `keys:` to the config to serve other hosts.',
  },
  origin_not_allowed: {
    status: 403,
    type: 'permission_error',
    retryable: false,
    hint: 'Keyless Sluice refuses requests from web pages of other sites; call it from a loopback origin or without a browser, or add `keys:` to the config.',
  },
  request_timeout: {
    status: 408,
    type: 'invalid_request_error',
    retryable: true,
    hint: 'Send the whole request (headers and body) within `server.request_timeout_ms`; the answer itself may take longer.',
  },
  metrics_key_required: {
    status: 401,
    type: 'authentication_error',
    retryable: false,
    hint: 'Send `Authorization: Bearer <metrics_key>` with the `metrics_key` of the Sluice config.',
  },
  rate_limited: {
    status: 429,
    type: 'rate_limit_error',
    retryable: true,
    hint: "This key's `rpm` or `tpm` limit was reached; wait for the Retry-After seconds, or ask the operator to raise it.",
  },
  insufficient_quota: {
    status: 429,
    type: 'insufficient_quota',
    retryable: false,
    hint: "This key's token quota is spent; ask the operator to grant more.",
  },
  budget_exceeded: {
    status: 429,
    type: 'insufficient_quota',
    retryable: false,
    hint: "This key's spending budget for the current UTC day or month would be exceeded; wait for the next period (Retry-After), send a smaller `max_tokens`, or ask the operator to raise `budget.usd`.",
  },
  model_not_found: {
    status: 404,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'GET /v1/models lists the models this gateway serves.',
  },
  endpoint_not_served: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'No channel serving this model has the endpoint asked for: use a model whose channel does (docs/endpoints.md), or ask the operator to add one.',
  },
  unsupported_feature: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'Sluice is stateless and runs no hosted tools: leave out the field named in `param` (resend the full history in `input`), or set `drop_unsupported_tools: true` for hosted tools.',
  },
  route_not_found: {
    status: 404,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'Sluice serves POST /v1/chat/completions, GET /v1/models and GET /healthz.',
  },
  upstream_rejected: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    hint: "The upstream refused the request; its own words are in the message. Change the request, or the channel's `overrides` or `capabilities`.",
  },
  upstream_auth_failed: {
    status: 502,
    type: 'server_error',
    retryable: false,
    hint: "The upstream refused the channel's credentials: check the channel's `api_key` in the Sluice config.",
  },
  upstream_rate_limited: {
    status: 429,
    type: 'rate_limit_error',
    retryable: true,
    hint: 'The upstream is rate limiting; retry later, or add another channel for this model.',
  },
  upstream_error: {
    status: 502,
    type: 'server_error',
    retryable: true,
    hint: 'The upstream failed; retry, or add another channel for this model so Sluice can fail over.',
  },
  upstream_unreachable: {
    status: 502,
    type: 'server_error',
    retryable: true,
    hint: "Sluice could not connect to the upstream: check the channel's `base_url` and the network.",
  },
  upstream_reset: {
    status: 502,
    type: 'server_error',
    retryable: true,
    hint: 'The upstream dropped the connection or sent a broken body; Sluice retries this unless the stream had already started.',
  },
  upstream_timeout: {
    status: 504,
    type: 'timeout_error',
    retryable: true,
    hint: 'The upstream took too long; raise `timeouts` in the config if the model is slow.',
  },
  upstream_bad_response: {
    status: 502,
    type: 'server_error',
    retryable: true,
    hint: "The upstream's answer could not be read; set `debug: true` on the channel to capture it.",
  },
  upstream_stream_error: {
    status: 502,
    type: 'server_error',
    retryable: true,
    hint: 'The upstream reported an error in the middle of its stream; its own words are in the message.',
  },
  upstream_body_too_large: {
    status: 502,
    type: 'server_error',
    retryable: false,
    hint: "The upstream's answer was larger than Sluice reads; Sluice stopped reading and tried another channel. Raise `limits.upstream_body_bytes` or `limits.upstream_stream_bytes` (top level or per channel) if such answers are expected.",
  },
  upstream_encoding_unsupported: {
    status: 502,
    type: 'server_error',
    retryable: false,
    hint: 'The upstream compressed its answer in an encoding Sluice cannot decode (it decodes gzip, deflate, br and zstd); configure the upstream to answer uncompressed.',
  },
  no_channel_available: {
    status: 503,
    type: 'server_error',
    retryable: true,
    hint: 'Every channel for this model is unusable right now; check the channels in the config.',
  },
  shutting_down: {
    status: 503,
    type: 'server_error',
    retryable: true,
    hint: 'Sluice was shutting down and its shutdown deadline passed before the answer was complete; send the request again.',
  },
  client_closed: {
    status: 499,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'The client closed the connection before the answer was complete.',
  },
  admin_api_disabled: {
    status: 404,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'Set `admin_key` in the Sluice config (for example `admin_key: ${SLUICE_ADMIN_KEY}`), or with no config file the environment variable `SLUICE_ADMIN_KEY` (at least 16 characters), and restart Sluice.',
  },
  admin_key_required: {
    status: 401,
    type: 'authentication_error',
    retryable: false,
    hint: 'Send `Authorization: Bearer <admin_key>` with the `admin_key` of the Sluice config.',
  },
  admin_auth_throttled: {
    status: 429,
    type: 'rate_limit_error',
    retryable: true,
    hint: 'Too many wrong admin keys came from this address; wait for the Retry-After seconds and send the right `admin_key`.',
  },
  not_found: {
    status: 404,
    type: 'not_found_error',
    retryable: false,
    hint: 'Check the name or id; the list route of the same resource shows what exists.',
  },
  conflict: {
    status: 409,
    type: 'invalid_request_error',
    retryable: false,
    hint: 'The change clashes with what is already there; the message says what, and what to do instead.',
  },
  store_unavailable: {
    status: 503,
    type: 'server_error',
    retryable: true,
    hint: "Sluice's store cannot take writes now (the message says why, in the database's own words) and nothing was saved: fix the store (disk, file, database server) and retry.",
  },
  internal_error: {
    status: 500,
    type: 'server_error',
    retryable: false,
    hint: 'A bug in Sluice: please report it with the request id.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export interface UpstreamContext {
  channel: string;
  status?: number;
}

export interface GatewayErrorOptions {
  param?: string | null;
  /** Overrides the catalog status, e.g. to pass an upstream 4xx through unchanged. */
  status?: number;
  upstream?: UpstreamContext;
  /** Seconds, from the upstream's Retry-After, when it gave one. */
  retryAfterSeconds?: number;
  /** A hint more precise than the catalog's, when the cause is known. */
  hint?: string;
  /** Overrides the catalog's retryable flag when the cause is known (a 501 is not transient). */
  retryable?: boolean;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: OpenAiErrorType;
  readonly retryable: boolean;
  readonly hint: string;
  readonly param: string | null;
  readonly upstream: UpstreamContext | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry: CatalogEntry = errorCatalog[code];
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? entry.status;
    this.type = entry.type;
    this.retryable = options.retryable ?? entry.retryable;
    this.hint = options.hint ?? entry.hint;
    this.param = options.param ?? null;
    this.upstream = options.upstream;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** What an error was made with: to make the same error again with another message or class. */
export function optionsOf(error: GatewayError): GatewayErrorOptions {
  return {
    param: error.param,
    status: error.status,
    hint: error.hint,
    retryable: error.retryable,
    cause: error.cause,
    ...(error.upstream === undefined ? {} : { upstream: error.upstream }),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  };
}

/**
 * The upstream's own words in an error made from its answer: the message without the
 * "<channel> answered HTTP <status>: " that src/relay/upstream-error.ts puts before them.
 */
export function upstreamWords(error: GatewayError): string {
  return error.message.replace(/^.*? answered HTTP \d+: /, '');
}

/**
 * An upstream's error answer that a client of the upstream's own protocol sees as the upstream wrote
 * it (same-dialect pass-through, issue 14): `body` is already in the client's shape; the rest is the
 * GatewayError the relay decides retries and failover by, and the log row records.
 */
export class PassedUpstreamError extends GatewayError {
  readonly body: object;

  constructor(error: GatewayError, body: object) {
    super(error.code, error.message, optionsOf(error));
    this.body = body;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
