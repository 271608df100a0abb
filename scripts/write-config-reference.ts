// `npm run docs:config`: writes docs/configuration.md from the config schema (src/config/schema.ts),
// through zod's JSON Schema export: one table per section, each field with its type and the text of
// its `.describe()` (defaults included, taken from src/config/defaults.ts). test/deploy/ checks that
// the committed file equals what this renders, so the reference cannot drift from the schema.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { configSchemas } from '../src/config/schema.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

interface Section {
  path: string;
  description: string;
  rows: Row[];
}

export const configReferenceFile = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** `anyOf: [X, null]` (a nullish field) is X, optional; the description sits on the outer node. */
function unwrap(schema: JsonSchema): { schema: JsonSchema; description: string | undefined; nullable: boolean } {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((type) => type !== 'null');
    return { schema: { ...schema, type: types.length === 1 && types[0] !== undefined ? types[0] : types }, description: schema.description, nullable: true };
  }
  const options = schema.anyOf?.filter((option) => option.type !== 'null');
  const inner = options?.length === 1 && options[0] !== undefined ? options[0] : schema;
  return { schema: inner, description: schema.description ?? inner.description, nullable: inner !== schema };
}

function isSection(schema: JsonSchema): boolean {
  return schema.type === 'object' && schema.properties !== undefined;
}

/** `string` → `strings`, `list of strings` → `lists of strings`, for the values of a mapping. */
function pluralOf(type: string): string {
  if (type.startsWith('list ')) return type.replace(/^list /, 'lists ');
  return /^(string|boolean|integer|number)$/.test(type) ? `${type}s` : type;
}

function describeType(schema: JsonSchema): string {
  if (schema.enum !== undefined) return schema.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (schema.anyOf !== undefined) return schema.anyOf.map(describeType).join(' or ');
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const word = schema.type === 'integer' ? 'integer' : 'number';
      if (schema.exclusiveMinimum === 0) return `${word} > 0`;
      if (schema.minimum === 0 && schema.maximum === 65_535) return 'port (0–65535)';
      if (schema.minimum === 0) return `${word} ≥ 0`;
      return word;
    }
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'array':
      return schema.items === undefined ? 'list' : `list of ${isSection(schema.items) ? 'entries' : `${describeType(schema.items)}s`}`;
    case 'object': {
      const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      if (values === undefined || Object.keys(values).length === 0) return 'mapping';
      return `mapping of ${isSection(values) ? 'entries' : pluralOf(describeType(values))}`;
    }
    default:
      return 'any';
  }
}

/**
 * One section per object (top level, `server`, `channels[]`, `channels[].capabilities.<model>`, …).
 * A field whose output zod cannot express (a transform: `base_url`) takes its type from the input side.
 */
function collectSections(schema: JsonSchema, input: JsonSchema | undefined, path: string, description: string, sections: Section[]): void {
  const section: Section = { path, description, rows: [] };
  sections.push(section);
  const nested: Array<[JsonSchema, JsonSchema | undefined, string, string]> = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const { schema: field, description: fieldDescription = '', nullable } = unwrap(property);
    const inputProperty = input?.properties?.[name];
    const fieldInput = inputProperty === undefined ? undefined : unwrap(inputProperty).schema;
    const fieldPath = path === '' ? name : `${path}.${name}`;
    section.rows.push({ path: fieldPath, type: describeType(field.type === undefined && field.anyOf === undefined && fieldInput !== undefined ? fieldInput : field), required: schema.required?.includes(name) === true && !nullable, description: fieldDescription });
    if (isSection(field)) nested.push([field, fieldInput, fieldPath, fieldDescription]);
    else if (field.type === 'array' && field.items !== undefined && isSection(field.items)) nested.push([field.items, fieldInput?.items, `${fieldPath}[]`, fieldDescription]);
    else if (typeof field.additionalProperties === 'object' && isSection(field.additionalProperties)) {
      const inputValues = typeof fieldInput?.additionalProperties === 'object' ? fieldInput.additionalProperties : undefined;
      nested.push([field.additionalProperties, inputValues, `${fieldPath}.<name>`, fieldDescription]);
    }
  }
  for (const [child, childInput, childPath, childDescription] of nested) collectSections(child, childInput, childPath, childDescription, sections);
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderConfigReference(): string {
  const configSchema = configSchemas().config;
  const output = z.toJSONSchema(configSchema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const input = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const sections: Section[] = [];
  collectSections(output, input, '', '', sections);
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` from src/config/schema.ts; edit the schema\'s `.describe()` texts, not this file. -->',
    '',
    'Every field of the YAML config file (`sluice --config <file>`). Any string value may use `${ENV_VAR}`;',
    '`$${` is a literal `${`. Unknown keys stop start-up, so a typo is never ignored. Durations are in',
    'milliseconds (`_ms`), sizes in bytes (`_bytes`). An optional field may be left out or empty (`key:`).',
    'Examples: docs/design.md "Config shape", deploy/sluice.docker.yaml, deploy/sluice.compose.yaml.',
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.path === '' ? 'Top level' : `\`${section.path}\``}`, '');
    if (section.description !== '') lines.push(section.description, '');
    lines.push('| field | type | required | description |', '| --- | --- | --- | --- |');
    for (const row of section.rows) {
      lines.push(`| \`${row.path}\` | ${escapeCell(row.type)} | ${row.required ? 'yes' : 'no'} | ${escapeCell(row.description)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(configReferenceFile, renderConfigReference());
  console.log(`docs:config: wrote ${configReferenceFile}`);
}
