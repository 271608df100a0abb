// Building blocks of the admin API's OpenAPI 3.1 document. Request bodies and query strings are
// generated from the same zod schemas the routes validate with, so the document cannot drift from them.
import * as z from 'zod';

export type JsonSchema = { [key: string]: unknown };
/** OpenAPI path → method → operation. */
export type OpenApiPaths = Record<string, Record<string, JsonSchema>>;

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 speaks), as a client would write the input. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

export const errorSchemaRef = { $ref: '#/components/schemas/Error' };

export function jsonResponse(description: string, schema: JsonSchema): JsonSchema {
  return { description, content: { 'application/json': { schema } } };
}

const errorResponse = (description: string): JsonSchema => jsonResponse(description, errorSchemaRef);

/** The answers every admin route may give besides its own. */
const commonErrors = {
  '401': errorResponse('Missing or wrong admin key (`admin_key_required`).'),
  '404': errorResponse('The admin API is off (`admin_api_disabled`), or the thing named does not exist (`not_found`).'),
};

export function pathParameter(name: string, description: string): JsonSchema {
  return { name, in: 'path', required: true, description, schema: { type: 'string' } };
}

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: false,
    schema: jsonSchemaOf(field as z.ZodType),
  }));
}

export interface OperationSpec {
  summary: string;
  description?: string;
  parameters?: JsonSchema[];
  query?: z.ZodObject;
  body?: JsonSchema;
  /** The body may be left out (every field optional). */
  bodyOptional?: boolean;
  /** Status → response; the common errors are added. */
  responses: Record<string, JsonSchema>;
  /** Extra error statuses this route answers (400, 409…), with why. */
  errors?: Record<string, string>;
}

export function operation(spec: OperationSpec): JsonSchema {
  const errors = Object.fromEntries(Object.entries(spec.errors ?? {}).map(([status, why]) => [status, errorResponse(why)]));
  return {
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    security: [{ adminKey: [] }],
    parameters: [...(spec.parameters ?? []), ...(spec.query === undefined ? [] : queryParameters(spec.query))],
    ...(spec.body === undefined ? {} : { requestBody: { required: spec.bodyOptional !== true, content: { 'application/json': { schema: spec.body } } } }),
    responses: { ...spec.responses, ...errors, ...commonErrors },
  };
}
