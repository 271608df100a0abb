// Each request's logger (fastify's `request.log`), made only when the request logs something.
// fastify builds a pino child per request (its bindings serialized, its serializers copied: ~0.6 µs
// and a few hundred bytes) and, when it has a logger of its own, listens to every response's
// `finish` and `error` to log its completion — which Sluice turns off, writing its own line per
// request (write-request-line.ts). So fastify gets no logger of its own (no listeners, no child), and
// this factory hands each request a stand-in that makes the child of Sluice's logger, with the same
// `request_id` binding, on its first line (docs/benchmarks.md "Fixed per-request work, round seven").
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn, Logger } from 'pino';

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A request's logger: the child of Sluice's logger with the request's bindings, made on first use. */
export class RequestLogger implements FastifyBaseLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions | undefined;
  #child: Logger | undefined;

  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;

  constructor(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The real child logger, made once. */
  current(): Logger {
    this.#child ??= this.#options === undefined ? this.#parent.child(this.#bindings) : this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  get level(): string {
    return this.#child?.level ?? this.#options?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.current().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.current().child(bindings, options);
  }
}

// The log methods live on the prototype, once: a request that logs nothing allocates only the stand-in.
for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelName[]) {
  Object.defineProperty(RequestLogger.prototype, level, {
    value: function log(this: RequestLogger, ...args: Parameters<LogFn>): void {
      this.current()[level](...args);
    },
    writable: true,
    configurable: true,
  });
}

/** fastify's `childLoggerFactory`: each request's logger, a child of `logger` made when first used. */
export function createRequestLoggerFactory(logger: Logger) {
  return (_fastifyLogger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger =>
    new RequestLogger(logger, bindings, options.level === undefined && options.serializers === undefined ? undefined : options);
}
