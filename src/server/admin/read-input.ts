// Admin input through zod: a JSON body, or the query string, checked against a schema; a problem
// is a 400 invalid_request naming the field, in the one error shape.
import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { parseJsonText } from '../../ingress/parse-json-text.ts';

function describePath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : String(segment))).join('.').replaceAll('.[', '[');
}

function invalidInput(error: z.ZodError, where: string): GatewayError {
  const problems = error.issues.map((issue) => {
    const path = describePath(issue.path);
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const first = error.issues[0];
  return new GatewayError('invalid_request', `Invalid ${where}: ${problems.join('; ')}`, { param: first === undefined || first.path.length === 0 ? null : describePath(first.path) });
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error, where);
  return parsed.data;
}

/** The JSON body; an empty body reads as `{}` where every field is optional. */
export function readBody<S extends z.ZodType>(schema: S, request: FastifyRequest, options: { emptyIsObject?: boolean } = {}): z.output<S> {
  const text = typeof request.body === 'string' ? request.body : '';
  const value = options.emptyIsObject === true && text.trim() === '' ? {} : parseJsonText(text);
  return parseInput(schema, value, 'request body');
}

export function readQuery<S extends z.ZodType>(schema: S, request: FastifyRequest): z.output<S> {
  return parseInput(schema, request.query ?? {}, 'query');
}

/** A time given as ISO 8601 or as epoch milliseconds, read as epoch milliseconds. */
export const timeText = z.string().transform((text, context) => {
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isFinite(time)) return time;
  context.addIssue({ code: 'custom', message: 'expected an ISO 8601 time or epoch milliseconds' });
  return z.NEVER;
});

/** Epoch milliseconds → ISO 8601 for responses; undefined → null. */
export function showTime(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}
