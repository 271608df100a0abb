// The hand-written hot path against the schema it stands in for: on random and edge bodies it must
// either step aside (undefined) or give exactly the schema's output, key order included, and it
// must step aside for every body the schema refuses. Seeded: a failure prints its seed and body.
import { describe, expect, it } from 'vitest';
import { parseCommonChatRequest, uncheckedRequestFields } from './parse-common-chat-request.ts';
import { chatRequestFields, chatRequestSchema } from './request-schema.ts';

type Random = () => number;

/** mulberry32: small, seeded, good enough to pick test values. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** A value with its key order and undefined-valued keys spelled out, so two outputs compare exactly. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]);
  if (value === undefined) return '(undefined)';
  if (typeof value === 'number' && Object.is(value, -0)) return '(-0)';
  return value;
}

const strings = ['', 'x', 'hello', 'true', 'false', '5', ' 7 ', '1e3', '0x10', 'NaN', 'Infinity', '-1', '0.5', '2.5', 'auto', 'none', 'required', 'any'];
const numbers = [0, -0, 1, 2, 3, 0.5, 1.5, -1, -2, -2.5, 4, 20, 21, 64, 100, 101, -100, -101, 128, 129, 2 ** 53 + 2, Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE];
const scalars: readonly unknown[] = [...strings, ...numbers, true, false, null, undefined, [], {}, ['a'], { a: 1 }];

function scalar(random: Random): unknown {
  return pick(random, scalars);
}

/** Usually a value of the right kind, sometimes anything. */
function maybe(random: Random, good: () => unknown): unknown {
  return random() < 0.93 ? good() : scalar(random);
}

function withExtras(random: Random, object: Record<string, unknown>): Record<string, unknown> {
  if (random() < 0.3) object[pick(random, ['extra', 'cache_control', 'reasoning_content', '0', 'name'])] = scalar(random);
  if (random() < 0.1) Object.defineProperty(object, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
  return shuffled(random, object);
}

/** The same fields in a random order (the schema's output order must not depend on it). */
function shuffled(random: Random, object: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(object);
  if (random() < 0.5) return object;
  entries.sort(() => random() - 0.5);
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

function part(random: Random): unknown {
  const type = pick(random, ['text', 'text', 'image_url', 'input_audio', 'file', 'refusal', 'video_url', 'input_audio']);
  const object: Record<string, unknown> = { type: random() < 0.95 ? type : scalar(random) };
  if (type === 'text') object.text = maybe(random, () => pick(random, strings));
  if (type === 'image_url') object.image_url = random() < 0.3 ? 'https://e/a.png' : maybe(random, () => withExtras(random, { url: maybe(random, () => 'data:,x'), ...(random() < 0.5 ? { detail: pick(random, ['auto', 'low', 'high', 'original', 'max', null]) } : {}) }));
  if (type === 'input_audio') object.input_audio = { data: 'AA==', format: maybe(random, () => 'wav') };
  if (type === 'refusal') object.refusal = maybe(random, () => 'no');
  if (type === 'video_url') object.video_url = { url: 'x' };
  return random() < 0.05 ? scalar(random) : withExtras(random, object);
}

function content(random: Random, allowEmpty: boolean): unknown {
  const roll = random();
  if (roll < 0.6) return pick(random, strings);
  if (roll < 0.95) return Array.from({ length: Math.floor(random() * 3) + (allowEmpty ? 0 : 1) }, () => part(random));
  return scalar(random);
}

function toolCall(random: Random): unknown {
  const type = pick(random, ['function', 'function', 'custom', 'magic']);
  const object: Record<string, unknown> = { id: maybe(random, () => 'call_1'), type };
  if (type === 'function') object.function = maybe(random, () => withExtras(random, { name: maybe(random, () => 'f'), arguments: maybe(random, () => '{}') }));
  if (type === 'custom') object.custom = { name: 'c', input: 'i' };
  if (random() < 0.1) delete object.id;
  return withExtras(random, object);
}

function message(random: Random): unknown {
  const role = pick(random, ['system', 'developer', 'user', 'user', 'user', 'assistant', 'assistant', 'tool', 'function', 'user', 'system', 'wizard']);
  const object: Record<string, unknown> = { role: random() < 0.99 ? role : scalar(random) };
  if (role === 'assistant') {
    if (random() < 0.7) object.content = random() < 0.3 ? null : content(random, true);
    if (random() < 0.4) object.tool_calls = random() < 0.1 ? null : Array.from({ length: Math.floor(random() * 3) }, () => toolCall(random));
    if (random() < 0.1) object.function_call = maybe(random, () => ({ name: 'f', arguments: maybe(random, () => '{}') }));
    if (random() < 0.1) object.refusal = maybe(random, () => 'no');
    if (random() < 0.1) object.audio = maybe(random, () => ({ id: maybe(random, () => 'a') }));
  } else if (role === 'function') {
    object.name = maybe(random, () => 'f');
    if (random() < 0.7) object.content = maybe(random, () => 'result');
  } else if (random() < 0.95) object.content = content(random, false);
  if (role === 'tool' && random() < 0.9) object.tool_call_id = maybe(random, () => 'call_1');
  if (role !== 'function' && random() < 0.2) object.name = maybe(random, () => 'n');
  return random() < 0.02 ? scalar(random) : withExtras(random, object);
}

function tool(random: Random): unknown {
  const type = pick(random, ['function', 'function', 'custom', 'web_search']);
  if (type === 'web_search') return withExtras(random, { type });
  if (type === 'custom') return { type, custom: { name: maybe(random, () => 'c') } };
  const fn: Record<string, unknown> = { name: maybe(random, () => pick(random, ['f', '', 'g'])) };
  if (random() < 0.5) fn.description = maybe(random, () => 'does f');
  if (random() < 0.7) fn.parameters = maybe(random, () => withExtras(random, { type: 'object', properties: { a: { type: 'string' } } }));
  if (random() < 0.3) fn.strict = maybe(random, () => pick(random, [true, false, null]));
  return withExtras(random, { type, function: maybe(random, () => withExtras(random, fn)) });
}

const numberFields = ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'n', 'max_tokens', 'max_completion_tokens', 'seed', 'top_logprobs'];
const booleanFields = ['stream', 'logprobs', 'parallel_tool_calls', 'store'];

function body(random: Random): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  if (random() < 0.99) object.model = maybe(random, () => pick(random, ['gpt-4o', 'm', 'gpt-4o-mini', 'qwen', '']));
  if (random() < 0.99) object.messages = maybe(random, () => Array.from({ length: Math.floor(random() * 4) + (random() < 0.05 ? 0 : 1) }, () => message(random)));
  for (const name of numberFields) if (random() < 0.1) object[name] = random() < 0.5 ? pick(random, [1, 2, 0.5, '1', 20]) : random() < 0.8 ? pick(random, numbers) : scalar(random);
  for (const name of booleanFields) if (random() < 0.1) object[name] = pick(random, [true, false, 'true', 'false', null, 'yes', 1]);
  if (random() < 0.15) object.stream_options = maybe(random, () => withExtras(random, { include_usage: pick(random, [true, 'true', null, 'x']) }));
  if (random() < 0.1) object.stop = maybe(random, () => (random() < 0.5 ? 'END' : Array.from({ length: Math.floor(random() * 6) }, () => maybe(random, () => 'S'))));
  if (random() < 0.1) object.user = scalar(random);
  if (random() < 0.1) object.logit_bias = maybe(random, () => withExtras(random, { '50256': pick(random, numbers) }));
  if (random() < 0.2) object.tools = maybe(random, () => Array.from({ length: Math.floor(random() * 3) }, () => tool(random)));
  if (random() < 0.1) object.tool_choice = maybe(random, () => pick(random, ['none', 'auto', 'required', 'any', { type: 'function', function: { name: 'f' } }]));
  if (random() < 0.05) object[pick(random, uncheckedRequestFields)] = pick(random, [null, { type: 'json_object' }, 'auto', [{ name: 'f' }]]);
  return withExtras(random, object);
}

const seeds = [1, 2, 3];
const bodiesPerSeed = 4000;

describe('parseCommonChatRequest', () => {
  it("checks the schema's fields, in the schema's order", () => {
    expect(chatRequestFields).toEqual(Object.keys(chatRequestSchema().shape));
  });

  it.each(seeds)('steps aside or gives exactly what the schema gives, on random bodies (seed %i)', (seed) => {
    const random = seededRandom(seed);
    let taken = 0;
    let accepted = 0;
    for (let index = 0; index < bodiesPerSeed; index += 1) {
      const input = body(random);
      const expected = chatRequestSchema().safeParse(input);
      const fast = parseCommonChatRequest(input);
      if (expected.success) accepted += 1;
      if (fast === undefined) continue;
      taken += 1;
      const context = `seed ${String(seed)}, body ${String(index)}: ${JSON.stringify(input)}`;
      expect(expected.success, context).toBe(true);
      expect(shapeOf(fast), context).toEqual(shapeOf(expected.data));
    }
    // Both kinds of body are in the corpus, and the hot path takes most of the accepted ones.
    expect(accepted).toBeGreaterThan(bodiesPerSeed / 10);
    expect(taken).toBeGreaterThan(accepted / 2);
  });

  it.each([
    [{ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], max_tokens: 64 }],
    [{ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:,x', detail: 'low' } }] }], temperature: '0.5', stream: 'false' }],
    [
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'w', parameters: { type: 'object', properties: {} } } }, { type: 'web_search' }],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        enable_thinking: false,
      },
    ],
  ])('takes the common body %j and gives the schema output', (input) => {
    const fast = parseCommonChatRequest(input);
    expect(fast).toBeDefined();
    expect(shapeOf(fast)).toEqual(shapeOf(chatRequestSchema().parse(input)));
  });

  it('drops a __proto__ key as the schema does, without touching the prototype', () => {
    const input = JSON.parse('{"model":"m","messages":[{"role":"user","content":"x","__proto__":{"a":1}}],"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const fast = parseCommonChatRequest(input);
    expect(shapeOf(fast)).toEqual(shapeOf(chatRequestSchema().parse(input)));
    expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
  });

  it.each([
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'function', function: { name: 'f' } } }],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] }],
    [{ model: 'm', messages: [{ role: 'user' }] }],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 }],
  ])('steps aside for a field it leaves to the schema, or a refusal: %j', (input) => {
    expect(parseCommonChatRequest(input)).toBeUndefined();
  });
});
