// Malformed requests made by breaking valid ones, for the fuzz test (issue 12: "thousands of seeded
// malformed requests"). Every mutation breaks a rule of OpenAI's API reference at a field the
// reference defines — a required field removed, a value of a type the field never takes, a number
// out of its range, an unknown role, junk instead of JSON — so every request made here must be
// refused; a mutation never turns a broken request back into a valid one (removals only remove
// required fields, and replacements only put values the field never accepts).

export type Random = () => number;

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

type Json = unknown;
type Path = readonly (string | number)[];

/** What a field accepts, so a mutation can hand it something it does not. */
type FieldKind =
  | { kind: 'string'; required: boolean }
  | { kind: 'content'; required: boolean }
  | { kind: 'role' }
  /** A string, or a non-empty array of strings, of token ids, or of token-id arrays. */
  | { kind: 'embeddingsInput' }
  | { kind: 'number'; minimum: number; maximum: number }
  | { kind: 'integer'; minimum: number; maximum: number }
  | { kind: 'boolean' }
  | { kind: 'array'; required: boolean }
  | { kind: 'object'; required: boolean };

export interface Template {
  endpoint: '/v1/chat/completions' | '/v1/embeddings';
  body: Json;
  fields: readonly { path: Path; field: FieldKind }[];
}

const required = true;

export const templates: readonly Template[] = [
  {
    endpoint: '/v1/chat/completions',
    body: {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } }],
      temperature: 0.5,
      top_p: 1,
      n: 1,
      max_tokens: 64,
      stream: false,
      presence_penalty: 0,
      top_logprobs: 2,
      logprobs: true,
    },
    fields: [
      { path: ['model'], field: { kind: 'string', required } },
      { path: ['messages'], field: { kind: 'array', required } },
      { path: ['messages', 0], field: { kind: 'object', required } },
      { path: ['messages', 0, 'role'], field: { kind: 'role' } },
      { path: ['messages', 0, 'content'], field: { kind: 'content', required } },
      { path: ['messages', 1, 'role'], field: { kind: 'role' } },
      { path: ['messages', 1, 'content'], field: { kind: 'content', required } },
      { path: ['messages', 1, 'content', 0], field: { kind: 'object', required } },
      { path: ['messages', 1, 'content', 0, 'text'], field: { kind: 'string', required } },
      { path: ['messages', 1, 'content', 1, 'image_url', 'url'], field: { kind: 'string', required } },
      { path: ['messages', 2, 'role'], field: { kind: 'role' } },
      { path: ['messages', 2, 'tool_calls'], field: { kind: 'array', required } },
      { path: ['messages', 2, 'tool_calls', 0, 'id'], field: { kind: 'string', required } },
      { path: ['messages', 2, 'tool_calls', 0, 'function'], field: { kind: 'object', required } },
      { path: ['messages', 2, 'tool_calls', 0, 'function', 'name'], field: { kind: 'string', required } },
      { path: ['messages', 2, 'tool_calls', 0, 'function', 'arguments'], field: { kind: 'string', required } },
      { path: ['messages', 3, 'role'], field: { kind: 'role' } },
      { path: ['messages', 3, 'tool_call_id'], field: { kind: 'string', required } },
      { path: ['messages', 3, 'content'], field: { kind: 'content', required } },
      { path: ['tools'], field: { kind: 'array', required: false } },
      { path: ['tools', 0, 'function'], field: { kind: 'object', required } },
      { path: ['tools', 0, 'function', 'name'], field: { kind: 'string', required } },
      { path: ['temperature'], field: { kind: 'number', minimum: 0, maximum: 2 } },
      { path: ['top_p'], field: { kind: 'number', minimum: 0, maximum: 1 } },
      { path: ['presence_penalty'], field: { kind: 'number', minimum: -2, maximum: 2 } },
      { path: ['n'], field: { kind: 'integer', minimum: 1, maximum: 128 } },
      { path: ['max_tokens'], field: { kind: 'integer', minimum: 1, maximum: Infinity } },
      { path: ['top_logprobs'], field: { kind: 'integer', minimum: 0, maximum: 20 } },
      { path: ['stream'], field: { kind: 'boolean' } },
      { path: ['logprobs'], field: { kind: 'boolean' } },
    ],
  },
  {
    endpoint: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float', dimensions: 8 },
    fields: [
      { path: ['model'], field: { kind: 'string', required } },
      { path: ['input'], field: { kind: 'embeddingsInput' } },
      { path: ['dimensions'], field: { kind: 'integer', minimum: 1, maximum: Infinity } },
    ],
  },
];

/** Nested arrays and objects, `depth` deep, ending in a random leaf. */
function garbage(random: Random, depth: number): Json {
  if (depth === 0) return pick(random, [42, 'x', true, null, -1.5]);
  return random() < 0.5 ? [garbage(random, depth - 1)] : { [pick(random, ['a', 'role', 'content', '__proto__', 'constructor'])]: garbage(random, depth - 1) };
}

const hugeNumbers = [1e308, -1e308, 2 ** 64, -(2 ** 64), Number.MAX_SAFE_INTEGER + 2];

/** A value the field never accepts. */
function wrongValue(random: Random, field: FieldKind): Json {
  const nested = garbage(random, 1 + Math.floor(random() * 60));
  switch (field.kind) {
    case 'string':
      return pick(random, [7, true, [], { a: 1 }, nested, ...hugeNumbers]);
    case 'content':
      return pick(random, [7, true, { text: 'x' }, [], [7], [null], [{ text: 'no type' }], [{ type: 'text' }], [{ type: 'text', text: 5 }], [{ type: 'image_url' }], ...hugeNumbers]);
    case 'embeddingsInput':
      return pick(random, [7, true, '', {}, [], [null], [[]], ['a', 1], [1.5], [-1], [['a']], { nested }]);
    case 'role':
      return pick(random, ['wizard', 'USER', '', 'assistant ', 'root', 5, null, [], { role: 'user' }, nested]);
    case 'number':
      return pick(random, [field.minimum - 0.5, field.maximum + 0.5, ...hugeNumbers, 'hot', '', true, [], { value: 1 }, nested]);
    case 'integer':
      return pick(random, [field.minimum - 1, ...(Number.isFinite(field.maximum) ? [field.maximum + 1] : []), 1.5, -1e308, 'many', true, [], { value: 1 }, nested]);
    case 'boolean':
      return pick(random, ['yes', 1, 0, 'TRUE', [], { value: true }, nested]);
    case 'array':
      return pick(random, ['x', 7, true, { 0: 'a' }, ...hugeNumbers, ...(field.required ? [[]] : [])]);
    case 'object':
      return pick(random, ['x', 7, true, [], [{}], ...hugeNumbers]);
  }
}

function parentOf(body: Json, path: Path): { parent: Record<string | number, Json>; key: string | number } | undefined {
  let node = body;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, Json>)[key];
  }
  const key = path.at(-1);
  if (typeof node !== 'object' || node === null || key === undefined || !(key in node)) return undefined;
  return { parent: node as Record<string | number, Json>, key };
}

/** One broken field: removed when the field is required, else given a value it never takes. */
function breakField(random: Random, body: Json, template: Template): void {
  const { path, field } = pick(random, template.fields);
  const place = parentOf(body, path);
  if (place === undefined) return;
  const removable = 'required' in field && field.required;
  if (removable && random() < 0.3) {
    if (Array.isArray(place.parent)) place.parent[place.key as number] = undefined;
    else Reflect.deleteProperty(place.parent, place.key);
  } else {
    place.parent[place.key] = wrongValue(random, field);
  }
}

/** Whole-request breakage: a rule across fields, or no JSON object at all. */
const wholeBreakages: readonly ((body: Record<string, Json>) => Json)[] = [
  (body) => ({ ...body, stream: false, stream_options: { include_usage: true } }),
  (body) => ({ ...body, stop: ['a', 'b', 'c', 'd', 'e'] }),
  (body) => ({ ...body, logit_bias: { '50256': 101 } }),
  (body) => ({ ...body, tool_choice: 'any' }),
  (body) => ({ ...body, response_format: { type: 'json_schema' } }),
  (body) => JSON.stringify(body).slice(0, 30),
  () => '{"model": "gpt-4o", "messages": [',
  () => 'null',
  () => '[{"role":"user","content":"hi"}]',
  () => '"just a string"',
  () => '{{}}',
  () => '',
  () => '\u0000\u0001garbage',
  (body) => `${JSON.stringify(body)} trailing`,
];

export interface MalformedRequest {
  endpoint: Template['endpoint'];
  /** The exact body text sent. */
  text: string;
}

export function makeMalformedRequest(random: Random): MalformedRequest {
  const template = pick(random, templates);
  const body = structuredClone(template.body) as Record<string, Json>;
  if (template.endpoint === '/v1/chat/completions' && random() < 0.15) {
    const broken = pick(random, wholeBreakages)(body);
    return { endpoint: template.endpoint, text: typeof broken === 'string' ? broken : JSON.stringify(broken) };
  }
  const breaks = 1 + Math.floor(random() * 3);
  for (let index = 0; index < breaks; index += 1) breakField(random, body, template);
  // JSON has no undefined: a removed array item becomes null, itself not a valid message or part.
  return { endpoint: template.endpoint, text: JSON.stringify(body) };
}
