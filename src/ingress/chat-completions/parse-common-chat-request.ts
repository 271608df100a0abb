// The chat request's hot path without zod (issue 13: zod was ~2.5 % of a non-stream request's CPU).
// For a body of the common shapes this gives exactly what `chatRequestSchema` gives (request-schema.ts,
// message-schema.ts): the same coerced values (lenient-values.ts), the same new objects in the same
// key order (known keys in the schema's order, then the unknown ones as sent), the same unknown
// content parts and tools passed by reference. Anything it does not vouch for — a refusal, or a field
// it does not check here (`functions`, `response_format`, object `tool_choice`, custom tool calls) —
// is `undefined`, and the schema decides and words the 400 (parse-chat-request.ts). Its input is a
// JSON value (parse-json-text.ts). parse-common-chat-request.test.ts holds it to the schema.
import type { ChatRequest, JsonObject } from '../../core/chat.ts';
import { isJsonObject } from '../../core/chat.ts';
import { coerceBoolean, coerceNumber } from '../lenient-values.ts';
import { chatBounds, chatRequestFields } from './request-schema.ts';

/** Not vouched for: the schema decides. */
const refused: unique symbol = Symbol('refused');

/** A value → what the schema makes of it, or `refused`. */
type Check = (value: unknown) => unknown;

const string: Check = (value) => (typeof value === 'string' ? value : refused);
const nonEmptyString: Check = (value) => (typeof value === 'string' && value.length > 0 ? value : refused);
const boolean: Check = (value) => (typeof value === 'boolean' ? value : refused);
const never: Check = () => refused;

function optional(check: Check): Check {
  return (value) => (value === undefined ? value : check(value));
}

function nullish(check: Check): Check {
  return (value) => (value === undefined || value === null ? value : check(value));
}

const lenientBoolean: Check = (value) => {
  const coerced = coerceBoolean(value);
  return typeof coerced === 'boolean' ? coerced : refused;
};

function lenientNumber(minimum: number, maximum: number, whole: boolean): Check {
  return (value) => {
    const number = coerceNumber(value);
    if (typeof number !== 'number' || !Number.isFinite(number) || number < minimum || number > maximum) return refused;
    return whole && !Number.isInteger(number) ? refused : number;
  };
}

function oneOf(values: readonly string[]): Check {
  return (value) => (typeof value === 'string' && values.includes(value) ? value : refused);
}

function arrayOf(item: Check, minimum = 0, maximum = Infinity): Check {
  return (value) => {
    if (!Array.isArray(value) || value.length < minimum || value.length > maximum) return refused;
    const out: unknown[] = [];
    for (let index = 0; index < value.length; index += 1) {
      const checked = item(value[index]);
      if (checked === refused) return refused;
      out.push(checked);
    }
    return out;
  };
}

/** Tried in order, the first that takes the value wins (zod's union). */
function either(first: Check, second: Check): Check {
  return (value) => {
    const checked = first(value);
    return checked === refused ? second(value) : checked;
  };
}

/** `z.record(z.string(), value)`: a plain object, copied key by key. */
function recordOf(check: Check): Check {
  return (value) => {
    if (!isJsonObject(value)) return refused;
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return refused;
    const out: JsonObject = {};
    for (const key in value) {
      if (key === '__proto__') continue;
      const checked = check(value[key]);
      if (checked === refused) return refused;
      out[key] = checked;
    }
    return out;
  };
}

/** The fields of a `z.looseObject`, in its shape's order; `required` ones must be present. */
interface Field {
  key: string;
  check: Check;
  required: boolean;
}

function field(key: string, check: Check, required = false): Field {
  return { key, check, required };
}

/**
 * `z.looseObject`: the known fields checked, then written in the shape's order, then the others copied
 * as sent (`__proto__` left out, as zod does). One pass over the value's own keys: a JSON object has
 * a few of the many fields a shape may know.
 */
function looseObject(fields: readonly Field[]): (value: unknown) => JsonObject | typeof refused {
  // One bit per field.
  if (fields.length > 31) throw new Error('looseObject: more than 31 fields');
  const positions = new Map(fields.map(({ key }, position) => [key, position]));
  let required = 0;
  for (const [position, { required: isRequired }] of fields.entries()) if (isRequired) required |= 1 << position;
  return (value) => {
    if (!isJsonObject(value)) return refused;
    let seen = 0;
    const values: unknown[] = [];
    let unknown: string[] | undefined;
    for (const key in value) {
      const position = positions.get(key);
      if (position === undefined) {
        if (key !== '__proto__') (unknown ??= []).push(key);
        continue;
      }
      const checked = (fields[position] as Field).check(value[key]);
      if (checked === refused) return refused;
      values[position] = checked;
      seen |= 1 << position;
    }
    if ((seen & required) !== required) return refused;
    const out: JsonObject = {};
    for (let position = 0; seen >>> position !== 0; position += 1) if ((seen & (1 << position)) !== 0) out[(fields[position] as Field).key] = values[position];
    if (unknown !== undefined) for (const key of unknown) out[key] = value[key];
    return out;
  };
}

/**
 * Objects told apart by a string `key` (typed-union.ts): a kind in `kinds` is checked by its own
 * check; any other string passes by reference when `open`, is refused otherwise; a kind the schema
 * knows but this file does not check (`unchecked`) is refused.
 */
function kindOf(key: string, kinds: Readonly<Record<string, Check>>, options: { open: boolean; unchecked?: readonly string[] }): Check {
  const table = new Map(Object.entries(kinds));
  const unchecked = new Set(options.unchecked ?? []);
  return (value) => {
    if (!isJsonObject(value)) return refused;
    const kind = value[key];
    if (typeof kind !== 'string' || unchecked.has(kind)) return refused;
    const check = table.get(kind);
    if (check !== undefined) return check(value);
    return options.open ? value : refused;
  };
}

const contentPart = kindOf(
  'type',
  {
    text: looseObject([field('type', string), field('text', string, true)]),
    image_url: looseObject([
      field('type', string),
      field('image_url', either(string, looseObject([field('url', string, true), field('detail', optional(oneOf(['auto', 'low', 'high', 'original'])))])), true),
    ]),
  },
  { open: true, unchecked: ['input_audio', 'file', 'refusal'] },
);

const content = either(string, arrayOf(contentPart, 1));

const toolCall = kindOf(
  'type',
  { function: looseObject([field('id', string, true), field('type', string), field('function', looseObject([field('name', string, true), field('arguments', string, true)]), true)]) },
  { open: false, unchecked: ['custom'] },
);

const name = field('name', optional(string));
const role = field('role', string);

const assistantFields = looseObject([
  role,
  field('content', nullish(either(string, arrayOf(contentPart)))),
  name,
  field('tool_calls', nullish(arrayOf(toolCall))),
  field('function_call', nullish(looseObject([field('name', string, true), field('arguments', string, true)]))),
  field('refusal', nullish(string)),
  field('audio', nullish(looseObject([field('id', string, true)]))),
]);

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The schema's refinement: an assistant turn without content carries tool calls, a function call or audio. */
const assistantMessage: Check = (value) => {
  const message = assistantFields(value);
  if (message === refused) return refused;
  const toolCalls = message.tool_calls;
  const hasToolCalls = Array.isArray(toolCalls) && toolCalls.length > 0;
  return isPresent(message.content) || hasToolCalls || isPresent(message.function_call) || isPresent(message.audio) ? message : refused;
};

const instructionMessage = looseObject([role, field('content', content, true), name]);

const message = kindOf(
  'role',
  {
    system: instructionMessage,
    developer: instructionMessage,
    user: instructionMessage,
    assistant: assistantMessage,
    tool: looseObject([role, field('content', content, true), field('tool_call_id', string, true)]),
    function: looseObject([role, field('name', string, true), field('content', nullish(string))]),
  },
  { open: false },
);

const functionTool = looseObject([
  field('type', string),
  field(
    'function',
    looseObject([
      field('name', nonEmptyString, true),
      field('description', nullish(string)),
      field('parameters', nullish(recordOf((value) => value))),
      field('strict', nullish(boolean)),
    ]),
    true,
  ),
]);

const tool = kindOf('type', { function: functionTool }, { open: true, unchecked: ['custom'] });

const { temperature, topP, penalty, choices, topLogprobs, logitBias, stopSequences } = chatBounds;

/** The checks of the request's own fields; a schema field missing here is refused when present. */
const topLevelChecks: Readonly<Record<string, Check>> = {
  model: nonEmptyString,
  messages: arrayOf(message, 1),
  stream: nullish(lenientBoolean),
  stream_options: nullish(looseObject([field('include_usage', optional(lenientBoolean)), field('include_obfuscation', optional(lenientBoolean))])),
  temperature: nullish(lenientNumber(temperature.minimum, temperature.maximum, false)),
  top_p: nullish(lenientNumber(topP.minimum, topP.maximum, false)),
  presence_penalty: nullish(lenientNumber(penalty.minimum, penalty.maximum, false)),
  frequency_penalty: nullish(lenientNumber(penalty.minimum, penalty.maximum, false)),
  n: nullish(lenientNumber(choices.minimum, choices.maximum, true)),
  max_tokens: nullish(lenientNumber(1, Infinity, true)),
  max_completion_tokens: nullish(lenientNumber(1, Infinity, true)),
  seed: nullish(lenientNumber(-Infinity, Infinity, true)),
  logprobs: nullish(lenientBoolean),
  top_logprobs: nullish(lenientNumber(topLogprobs.minimum, topLogprobs.maximum, true)),
  logit_bias: nullish(recordOf((value) => (typeof value === 'number' && Number.isFinite(value) && value >= logitBias.minimum && value <= logitBias.maximum ? value : refused))),
  stop: nullish(either(string, arrayOf(string, 0, stopSequences))),
  tools: nullish(arrayOf(tool)),
  tool_choice: nullish(oneOf(['none', 'auto', 'required'])),
  parallel_tool_calls: nullish(lenientBoolean),
  store: nullish(lenientBoolean),
  user: nullish(string),
};

/** The request's fields in the schema's own order, so a field added to the schema is never taken for an unknown one. */
const requestFields = chatRequestFields.map((key) => field(key, topLevelChecks[key] ?? nullish(never), key === 'model' || key === 'messages'));

const request = looseObject(requestFields);

/** The parsed request, as `chatRequestSchema` would give it; undefined: the schema decides. */
export function parseCommonChatRequest(body: JsonObject): ChatRequest | undefined {
  const parsed = request(body);
  return parsed === refused ? undefined : (parsed as ChatRequest);
}

/** The schema fields this file leaves to the schema (null or absent only); exported for the test. */
export const uncheckedRequestFields: readonly string[] = chatRequestFields.filter((key) => topLevelChecks[key] === undefined);
