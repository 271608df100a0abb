// Field schemas with readable messages. Numeric and boolean fields also take their text form,
// because `${ENV}` interpolation always yields strings (`port: ${PORT}`).

import * as z from 'zod';

const numericText = /^\s*-?\d+(\.\d+)?\s*$/;

function coerceNumericText(value: unknown): unknown {
  return typeof value === 'string' && numericText.test(value) ? Number(value) : value;
}

function coerceBooleanText(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** Header values and API versions are text even when YAML reads them as numbers (`X-Retries: 3`). */
function coerceScalarToText(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/**
 * The field schemas, built anew for each use of the config schemas (schema.ts) rather than held by the
 * module for as long as the process runs.
 */
export function buildConfigFields() {
  const integer = z.preprocess(coerceNumericText, z.int({ error: 'expected an integer' }));

  const positiveInteger = z.preprocess(
    coerceNumericText,
    z.int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' }),
  );

  const nonNegativeInteger = z.preprocess(
    coerceNumericText,
    z.int({ error: 'expected an integer of 0 or more' }).nonnegative({ error: 'expected an integer of 0 or more' }),
  );

  const positiveNumber = z.preprocess(
    coerceNumericText,
    z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }),
  );

  /** A price or an amount of money (`prices:`, a key's `budget.usd`, docs/cost.md): 0 or more. */
  const nonNegativeNumber = z.preprocess(
    coerceNumericText,
    z.number({ error: 'expected a number of 0 or more' }).nonnegative({ error: 'expected a number of 0 or more' }),
  );

  /** A share: above 0 and at most 1 (a breaker's `failure_rate`). */
  const fraction = z.preprocess(
    coerceNumericText,
    z.number({ error: 'expected a number above 0 and at most 1' }).gt(0, { error: 'expected a number above 0 and at most 1' }).lte(1, { error: 'expected a number above 0 and at most 1' }),
  );

  const portNumber = z.preprocess(
    coerceNumericText,
    z
      .int({ error: 'expected a port number from 0 to 65535' })
      .min(0, { error: 'expected a port number from 0 to 65535' })
      .max(65_535, { error: 'expected a port number from 0 to 65535' }),
  );

  const flag = z.preprocess(coerceBooleanText, z.boolean({ error: 'expected true or false' }));

  const text = z
    .string({ error: 'expected a string' })
    .min(1, { error: 'expected a non-empty string', abort: true });

  const scalarText = z.preprocess(coerceScalarToText, text);

  const textList = z.array(text, { error: 'expected a list of strings' });

  const modelList = z
    .array(text, { error: 'expected a list of model names or globs' })
    .min(1, { error: 'expected at least one model name or glob' });

  const httpUrl = text
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      error: 'expected an http:// or https:// URL',
    })
    .transform((value) => value.replace(/\/+$/, ''));

  const storeUrl = text.refine((value) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(value), {
    error: 'expected sqlite:<path> or postgres://user:pass@host/db',
  });

  /** RFC 9110 token: what an HTTP header name may contain. */
  const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'expected an HTTP header name' });

  /** CR or LF in a value would let a config value inject headers. */
  const headerValue = z.preprocess(
    coerceScalarToText,
    z
      .string({ error: 'expected a string' })
      .regex(/^[^\r\n]*$/, { error: 'expected a header value without line breaks' }),
  );

  const headerMap = z.record(headerName, headerValue, { error: 'expected a mapping of header names to values' });

  const textMap = z.record(z.string(), text, { error: 'expected a mapping of names to strings' });

  const jsonObject = z.record(z.string(), z.unknown(), { error: 'expected a mapping' });
  return { integer, positiveInteger, nonNegativeInteger, positiveNumber, nonNegativeNumber, fraction, portNumber, flag, text, scalarText, textList, modelList, httpUrl, storeUrl, headerMap, textMap, jsonObject };
}

export type ConfigFields = ReturnType<typeof buildConfigFields>;
