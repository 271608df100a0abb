// zod issues → one readable `path: problem` line each, e.g.
// `channels[1].weight: expected a positive number, got -2`.

import type * as z from 'zod';
import { describeAt } from './format-path.ts';
import { findObjectSchema, suggestKey } from './suggest-key.ts';

const secretField = /key|secret|token|password/i;

export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): string[] {
  return issues.flatMap((issue) => describeIssue(issue, schema));
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): string[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(findObjectSchema(schema, path)?.shape ?? {});
    return issue.keys.map((key) => describeAt([...path, key], suggestKey(key, known)));
  }
  if (issue.code === 'invalid_key') {
    return [describeAt(path, issue.issues[0]?.message ?? issue.message)];
  }
  if (issue.input === undefined) {
    return [describeAt(path, 'required field is missing')];
  }
  return [describeAt(path, `${issue.message}, got ${describeInput(issue.input, path)}`)];
}

function describeInput(input: unknown, path: readonly PropertyKey[]): string {
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') return 'a mapping';
  const field = path.findLast((segment) => typeof segment === 'string');
  // Never echo what may be a credential into logs.
  if (typeof field === 'string' && secretField.test(field)) return `a ${typeof input}`;
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return `a ${typeof input}`;
}
