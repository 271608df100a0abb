// A schema's first complaint → a 400 in OpenAI's words: `param` written as OpenAI writes it
// (`messages[0].content`) and a message that says what was expected ("Missing required parameter:
// 'messages[0].content'.", "Invalid value: 'wizard'. Supported values are: …", "Invalid 'stop':
// array too long. …"), after the wording of OpenAI's own 400s.
import type * as z from 'zod';
import { isJsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatParam(path: Path): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

const longestQuoted = 40;

/** A value as a message quotes it: short, and never a whole prompt. */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > longestQuoted ? `${value.slice(0, longestQuoted)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return describeType(value);
}

/** What a value is, in OpenAI's words: "an integer", "a decimal", "an array", "null". */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : Number.isFinite(value) ? 'a decimal' : 'a number out of range';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const expectedWords: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  integer: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

function expectedPhrase(expected: readonly string[]): string {
  const words = [...new Set(expected.map((name) => expectedWords[name] ?? name))];
  return words.length === 1 ? (words[0] ?? '') : `one of ${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

function listValues(values: readonly unknown[]): string {
  const quoted = values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
  if (quoted.length < 3) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1) ?? ''}`;
}

/** A branch that failed on the value's type itself: the value was not meant for that branch. */
function isTypeMismatch(branch: readonly Issue[]): boolean {
  const first = branch[0];
  if (first === undefined || first.path.length > 0) return false;
  switch (first.code) {
    case 'invalid_type':
      return true;
    case 'invalid_value':
      return first.values.every((value) => typeof value !== typeof first.input);
    case 'invalid_union':
      return first.discriminator === undefined && first.errors.every(isTypeMismatch);
    case 'custom':
      return first.params?.['otherType'] === true;
    default:
      return false;
  }
}

function isOtherTypeBranch(branch: readonly Issue[]): boolean {
  return branch.some((issue) => issue.code === 'custom' && issue.params?.['otherType'] === true);
}

/**
 * A union's complaint, narrowed to the branch the value was meant for (the one that got past the
 * value's type); undefined when none or several did.
 */
function narrowUnion(issue: z.core.$ZodIssueInvalidUnion): Issue | undefined {
  const candidates = issue.errors.filter((branch) => branch.length > 0 && !isTypeMismatch(branch) && !isOtherTypeBranch(branch));
  if (candidates.length !== 1) return undefined;
  return candidates[0]?.[0];
}

function invalidRequest(path: Path, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: formatParam(path) });
}

function describeSize(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, path: Path): GatewayError {
  const name = formatParam(path);
  const big = issue.code === 'too_big';
  const bound = big ? issue.maximum : issue.minimum;
  if (issue.origin === 'array' || issue.origin === 'string') {
    const length = Array.isArray(issue.input) || typeof issue.input === 'string' ? issue.input.length : undefined;
    const noun = issue.origin === 'array' ? 'an array' : 'a string';
    const what = length === 0 ? `empty ${issue.origin}` : `${issue.origin} too ${big ? 'long' : 'short'}`;
    const got = length === 0 ? `an empty ${issue.origin}` : `${noun} with length ${String(length)}`;
    return invalidRequest(path, `Invalid '${name}': ${what}. Expected ${noun} with ${big ? 'maximum' : 'minimum'} length ${String(bound)}, but got ${got} instead.`);
  }
  return invalidRequest(path, `Invalid '${name}': expected a value ${big ? '<=' : '>='} ${String(bound)}, but got ${quoteValue(issue.input)} instead.`);
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion, path: Path): GatewayError {
  const name = formatParam(path);
  if (issue.discriminator !== undefined) {
    const value = isJsonObject(issue.input) ? issue.input[issue.discriminator] : undefined;
    if (value === undefined) return invalidRequest(path, `Missing required parameter: '${name}'.`);
    if (typeof value !== 'string') return invalidRequest(path, `Invalid type for '${name}': expected a string, but got ${describeType(value)} instead.`);
    return invalidRequest(path, `Invalid value: ${quoteValue(value)}. Supported values are: ${listValues('options' in issue ? (issue.options ?? []) : [])}.`);
  }
  if (issue.input === undefined) return invalidRequest(path, `Missing required parameter: '${name}'.`);
  if (issue.errors.every(isTypeMismatch)) {
    const expected = issue.errors.flatMap((branch) => (branch[0]?.code === 'invalid_type' ? [branch[0].expected] : []));
    return invalidRequest(path, `Invalid type for '${name}': expected ${expectedPhrase(expected)}, but got ${describeType(issue.input)} instead.`);
  }
  return invalidRequest(path, `Invalid '${name}': ${issue.message}`);
}

/** The issue's innermost cause with its full path: unions are narrowed to the branch meant. */
function innermost(issue: Issue, prefix: Path): { issue: Issue; path: Path } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union') return { issue, path };
  const narrowed = narrowUnion(issue);
  return narrowed === undefined ? { issue, path } : innermost(narrowed, path);
}

export function describeIssue(first: Issue): GatewayError {
  const { issue, path } = innermost(first, []);
  const name = formatParam(path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return invalidRequest(path, `Missing required parameter: '${name}'.`);
      if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return invalidRequest(path, `Invalid '${name}': the number is out of range.`);
      return invalidRequest(path, `Invalid type for '${name}': expected ${expectedPhrase([issue.expected])}, but got ${describeType(issue.input)} instead.`);
    case 'invalid_value':
      return invalidRequest(path, `Invalid value: ${quoteValue(issue.input)}. Supported values are: ${listValues(issue.values)}.`);
    case 'too_big':
    case 'too_small':
      return describeSize(issue, path);
    case 'invalid_union':
      return describeUnion(issue, path);
    case 'custom': {
      const expected: unknown = issue.params?.['expected'];
      if (issue.params?.['missing'] === true) return invalidRequest(path, `Missing required parameter: '${name}'. ${issue.message}`);
      if (typeof expected === 'string') return invalidRequest(path, `Invalid type for '${name}': expected ${expectedPhrase([expected])}, but got ${describeType(issue.input)} instead.`);
      return invalidRequest(path, issue.message);
    }
    default:
      return invalidRequest(path, `Invalid '${name}': ${issue.message}`);
  }
}

/** Parses with a schema built once; the first complaint becomes the 400. */
export function parseWith<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first === undefined) throw new GatewayError('invalid_request', 'The request is not valid.');
  throw describeIssue(first);
}
