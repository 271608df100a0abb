// YAML text → validated, resolved SluiceConfig. Stages: YAML parse (with `${…}` shielded) →
// `${ENV}` interpolation → schema → cross-field checks → defaults. One report holds every stage's
// problems (a syntax error alone stops at once: nothing after it can be read).

import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { ConfigError, createFileConfigError } from './config-error.ts';
import { checkConfig } from './check-config.ts';
import { describeIssues } from './describe-issues.ts';
import { interpolateEnv } from './interpolate-env.ts';
import { locatePricesFile, parsePricesFile } from './load-prices-file.ts';
import type { Environment } from './interpolate-env.ts';
import { resolveConfig } from './resolve-config.ts';
import { salvageConfig } from './salvage-config.ts';
import { configSchemas } from './schema.ts';
import { shieldReferences, unshieldReferences, unshieldText } from './shield-references.ts';
import type { SluiceConfig } from './sluice-config.ts';

export interface ParseConfigOptions {
  env: Environment;
  /** When given, a channel `type` outside this list is an error that lists them. */
  channelTypes?: readonly string[];
  /** Channel types whose channels must set base_url (the provider has no default). */
  typesNeedingBaseUrl?: readonly string[];
}

/** Throws ConfigError naming `file`, the field path and what is wrong: every problem at once. */
export function parseConfig(text: string, options: ParseConfigOptions & { file: string }): SluiceConfig {
  const { file } = options;
  // The core schema (YAML 1.2) keeps `api_version: 2024-10-21` a string and `yes` a string.
  const document = parseDocument(shieldReferences(text), { schema: 'core', merge: true, logLevel: 'error' });
  const [yamlError] = document.errors;
  if (yamlError !== undefined) throw new ConfigError([describeYamlError(file, yamlError)]);

  const interpolated = interpolateEnv(unshieldReferences(document.toJS() ?? {}), options.env);
  const checkOptions = { channelTypes: options.channelTypes, typesNeedingBaseUrl: options.typesNeedingBaseUrl };
  const configSchema = configSchemas().config;
  const parsed = configSchema.safeParse(withEnvironmentRedis(interpolated.value, options.env), { reportInput: true });
  // A rejected config still goes through the cross-field rules, on what did parse (salvage-config.ts).
  const checked = parsed.success ? parsed.data : salvageConfig(interpolated.value);
  const problems = [
    ...(parsed.success ? [] : describeIssues(parsed.error.issues, configSchema)),
    ...(checked === undefined ? [] : checkConfig(checked, checkOptions)),
  ];
  if (!parsed.success || interpolated.problems.length > 0 || problems.length > 0) {
    throw createFileConfigError(file, [...interpolated.problems, ...dropUnresolved(problems, interpolated.problems)]);
  }
  const pricesFile = parsed.data.prices_file;
  if (pricesFile == null) return resolveConfig(parsed.data, file);
  const path = locatePricesFile(pricesFile, file);
  return resolveConfig(parsed.data, file, parsePricesFile(readConfigText(path), path));
}

/** A field whose `${VAR}` did not resolve is reported once, as that: not again for the text left in it. */
function dropUnresolved(problems: readonly string[], unresolved: readonly string[]): string[] {
  const paths = new Set(unresolved.map(pathOfProblem));
  return [...new Set(problems)].filter((problem) => !paths.has(pathOfProblem(problem)));
}

function pathOfProblem(problem: string): string {
  const end = problem.indexOf(': ');
  return end === -1 ? '' : problem.slice(0, end);
}

/** SLUICE_REDIS_URL gives `redis` when the file does not (the file's own value wins). */
export const redisUrlVariable = 'SLUICE_REDIS_URL';

function withEnvironmentRedis(value: unknown, env: ParseConfigOptions['env']): unknown {
  const fromEnvironment = env[redisUrlVariable];
  if (fromEnvironment === undefined || fromEnvironment === '' || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const fields = value as Record<string, unknown>;
  return fields.redis == null ? { ...fields, redis: fromEnvironment } : value;
}

/** Reads and parses a config file; a missing or unreadable file is a ConfigError naming it. */
export function loadConfigFile(path: string, options: ParseConfigOptions): SluiceConfig {
  return parseConfig(readConfigText(path), { ...options, file: path });
}

export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = isMissingFile(error) ? 'file not found' : `cannot read the file (${String(error)})`;
    throw createFileConfigError(path, [reason]);
  }
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * `sluice.yaml:3:5: <what>` (the compiler convention editors jump to), the first syntax error only:
 * the parser's later errors follow from the first one (an indentation slip gives several).
 */
function describeYamlError(file: string, error: YAMLError): string {
  const [firstLine = error.message] = unshieldText(error.message).split('\n');
  const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  return position === undefined ? `${file}: ${message}` : `${file}:${position.line}:${position.col}: ${message}`;
}
