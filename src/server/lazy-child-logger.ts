// fastify's per-request logger (`request.log`), made only when the request logs something. fastify
// makes a pino child for every request (fastify/lib/route.js, createChildLogger): pino's `child`
// copies the serializers and formatters and serializes the bindings, ~220 bytes a request kept as long
// as the request (a held stream: its whole life) and the CPU to make it, yet Sluice's requests log
// through `request.log` only when something went wrong (the request line is written from the record).
// This stands in for the child with what fastify gave for it, and makes the real child on first use,
// so a logged line is the same line (docs/benchmarks.md "Held stream, round seven").
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino';

type LevelMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The pino child fastify would have made, made once, now. */
  made(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  get level(): LevelWithSilent | (string & {}) {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilent | (string & {})) {
    this.made().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made().child(bindings, options);
  }

  // Each call handed, as it came, to the real child.
  #write(level: LevelMethod, args: unknown[]): void {
    const child = this.made();
    Reflect.apply(child[level], child, args);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.#write('error', args);
  }

  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }

  info(...args: unknown[]): void {
    this.#write('info', args);
  }

  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }

  silent(...args: unknown[]): void {
    this.#write('silent', args);
  }
}

/** fastify's `childLoggerFactory`: the request's logger, a pino child made on first use. */
export function createLazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options);
}
