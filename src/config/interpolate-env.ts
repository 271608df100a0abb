// `${NAME}` in any string value is replaced from the environment before validation, so
// `port: ${PORT}` becomes a numeric string that the schema then coerces. `$${` is a literal `${`.
// Keys are never interpolated.

import { isJsonObject } from '../core/chat.ts';
import { describeAt } from './format-path.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Interpolated {
  value: unknown;
  /** `path: problem` lines; empty when every reference resolved. */
  problems: string[];
}

const reference = /\$\$\{|\$\{([^}]*)(\})?/g;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function interpolateEnv(value: unknown, env: Environment): Interpolated {
  const problems: string[] = [];
  const result = interpolateValue(value, env, [], problems);
  return { value: result, problems };
}

function interpolateValue(value: unknown, env: Environment, path: PropertyKey[], problems: string[]): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path, problems);
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => interpolateValue(item, env, [...path, index], problems));
  }
  if (isJsonObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateValue(item, env, [...path, key], problems);
    }
    return result;
  }
  return value;
}

function interpolateString(text: string, env: Environment, path: PropertyKey[], problems: string[]): string {
  return text.replace(reference, (match: string, name: string | undefined, closed: string | undefined) => {
    if (match === '$${') return '${';
    if (closed === undefined) {
      problems.push(describeAt(path, `unterminated \${ in "${text}"; write $\${ for a literal \${`));
    } else if (name === undefined || !variableName.test(name)) {
      problems.push(describeAt(path, `"\${${name ?? ''}}" is not a valid environment variable reference`));
    } else {
      const replacement = env[name];
      if (replacement !== undefined) return replacement;
      problems.push(describeAt(path, `environment variable ${name} is not set`));
    }
    return match;
  });
}
