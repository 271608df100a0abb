// `prices_file:` (docs/cost.md): a YAML file holding only `prices:`, like the shipped, dated
// prices/*.yaml, read relative to the config file. Its problems are reported under its own name.
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import { createFileConfigError } from './config-error.ts';
import { describeIssues } from './describe-issues.ts';
import { reuseUntilCollected } from '../lib/build-once.ts';
import { configSchemas, type RawPriceTable } from './schema.ts';

const pricesFileSchema = reuseUntilCollected(() => z.strictObject({ prices: configSchemas().priceTable }, { error: 'expected a mapping with `prices:` at the top level' }));

/** Where `prices_file` points: as given when absolute, else beside the config file (the working directory for the embedded default). */
export function locatePricesFile(pricesFile: string, configFile: string | undefined): string {
  if (isAbsolute(pricesFile)) return pricesFile;
  return resolve(configFile === undefined ? '.' : dirname(configFile), pricesFile);
}

/** The table of a prices file's text; throws ConfigError naming `path`. */
export function parsePricesFile(text: string, path: string): RawPriceTable {
  const document = parseDocument(text, { schema: 'core', logLevel: 'error' });
  if (document.errors.length > 0) throw createFileConfigError(path, document.errors.map((error) => error.message.split('\n')[0] ?? error.message));
  const schema = pricesFileSchema();
  const parsed = schema.safeParse(document.toJS() ?? {}, { reportInput: true });
  if (!parsed.success) throw createFileConfigError(path, describeIssues(parsed.error.issues, schema));
  return parsed.data.prices;
}
