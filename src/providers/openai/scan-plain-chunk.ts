// The fast path of the stream (issue 13): most OpenAI-compatible chunks need no change but the model
// name. This scan, one pass over the event's text and no JSON.parse, says whether a chunk is such a
// plain one, and where its model name and `usage: null` sit. It accepts only text that parsing and
// re-encoding (JSON.stringify) would give back byte for byte, and only fields the parser
// (parse-stream.ts) and the client shaping (src/adapt/shape-client-stream.ts) leave as they are:
// anything else (tool calls, usage, a finish reason the parser renames, whitespace, a float, an
// unusual escape) is undefined, and the event takes the full parse path.
// It runs once per upstream chunk, so it allocates only what it returns: positions are passed and
// returned as numbers (-1: not plain), keys are compared in place, and duplicate keys are caught
// with one bit per known key.
import type { PlainChunk } from '../../core/chat.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Integers up to 15 digits stay exact through a JSON round trip. */
const maxIntegerDigits = 15;

/** The keys each level accepts; anything else is not plain. Index in the list = its bit. */
const topKeys = ['id', 'object', 'created', 'model', 'system_fingerprint', 'service_tier', 'obfuscation', 'usage', 'choices'] as const;
const choiceKeys = ['index', 'delta', 'finish_reason', 'logprobs'] as const;
const deltaKeys = ['role', 'content', 'reasoning_content', 'refusal'] as const;

/**
 * Finish reasons OpenAI's own streams send, which the parser hands on as they are (it renames only
 * TGI's, normalize-fields.ts): a stream's finish chunk passes through as its text too, instead of a
 * JSON.parse and a re-encoding of the one chunk in 21 that carries it (docs/benchmarks.md "Stream CPU,
 * round eight").
 */
const plainFinishReasons = ['"stop"', '"length"', '"tool_calls"', '"content_filter"', '"function_call"'] as const;

/** A finish reason of plainFinishReasons at `at`: its end, or -1. */
function finishReasonEnd(text: string, at: number): number {
  for (const reason of plainFinishReasons) if (text.startsWith(reason, at)) return at + reason.length;
  return -1;
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66);
}

/** `\uXXXX` escapes JSON.stringify writes itself: control characters without a short form (`at`: the first hex digit). */
function isCanonicalUnicodeEscape(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 0x30 || text.charCodeAt(at + 1) !== 0x30) return false;
  const high = text.charCodeAt(at + 2);
  const low = text.charCodeAt(at + 3);
  if ((high !== 0x30 && high !== 0x31) || !isHexDigit(low)) return false;
  const code = Number.parseInt(text.slice(at + 2, at + 4), 16);
  return code !== 0x08 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d;
}

/**
 * A string in JSON.stringify's own form starting at `at`; the index after its closing quote, or -1.
 * Characters that the client encoder would escape (U+0085, U+2028, U+2029) are refused too.
 */
export function stringEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== QUOTE) return -1;
  let at = start + 1;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) return at + 1;
    if (Number.isNaN(code) || code < 0x20 || code === 0x85 || code === 0x2028 || code === 0x2029) return -1;
    if (code === BACKSLASH) {
      const escaped = text.charCodeAt(at + 1);
      if (escaped === 0x75) {
        if (!isCanonicalUnicodeEscape(text, at + 2)) return -1;
        at += 6;
        continue;
      }
      // `\/` parses fine but JSON.stringify writes `/`.
      if (escaped !== QUOTE && escaped !== BACKSLASH && escaped !== 0x62 && escaped !== 0x66 && escaped !== 0x6e && escaped !== 0x72 && escaped !== 0x74) return -1;
      at += 2;
      continue;
    }
    at += 1;
  }
}

/** A string's value: its text when it has no escape, parsed otherwise. */
export function stringValue(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** An integer as JSON.stringify writes it (no `-0`, no leading zero, no fraction or exponent): its end, or -1. */
function integerEnd(text: string, start: number): number {
  let at = start;
  if (text.charCodeAt(at) === 0x2d) at += 1;
  const digitsStart = at;
  while (text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39) at += 1;
  const digits = at - digitsStart;
  if (digits === 0 || digits > maxIntegerDigits) return -1;
  if (digits > 1 && text.charCodeAt(digitsStart) === 0x30) return -1;
  // `-0` (JSON.stringify writes 0).
  if (digits === 1 && at - start === 2 && text.charCodeAt(digitsStart) === 0x30) return -1;
  return at;
}

function nullEnd(text: string, at: number): number {
  return text.startsWith('null', at) ? at + 4 : -1;
}

/**
 * `"key":` at `start` where the key is one of `keys`: its index, or -1 (an unknown key, or one with
 * an escape). `keyEnd` receives the index after the colon.
 */
function readKey(text: string, start: number, keys: readonly string[]): number {
  const end = stringEnd(text, start);
  if (end === -1 || text.charCodeAt(end) !== COLON) return -1;
  const length = end - start - 2;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (key.length === length && text.startsWith(key, start + 1)) {
      keyEnd = end + 1;
      return index;
    }
  }
  return -1;
}

let keyEnd = 0;

/** What one scan found; reset for each chunk. */
export interface Found extends PlainChunk {
  sawObject: boolean;
  /** The delta's `content` string (quotes included), when one was read; -1 otherwise. */
  contentStart: number;
  contentEnd: number;
  /** Text values (strings, not null) read in all deltas. */
  textValues: number;
  /** The last choice's `index`. */
  choiceIndex: number;
}

/** A delta with text only: no tool calls (renumbered), no `reasoning` (copied to reasoning_content). Its end, or -1. */
function deltaEnd(text: string, start: number, found: Found): number {
  if (text.charCodeAt(start) !== OPEN_BRACE) return -1;
  let at = start + 1;
  if (text.charCodeAt(at) === CLOSE_BRACE) return at + 1;
  let seen = 0;
  let content = '';
  let reasoning = '';
  let refusal = '';
  for (;;) {
    const key = readKey(text, at, deltaKeys);
    if (key === -1 || (seen & (1 << key)) !== 0) return -1;
    seen |= 1 << key;
    at = keyEnd;
    if (key === 0) {
      at = stringEnd(text, at);
    } else {
      const nullAt = nullEnd(text, at);
      if (nullAt !== -1) {
        at = nullAt;
      } else {
        const end = stringEnd(text, at);
        if (end === -1) return -1;
        const value = stringValue(text, at, end);
        found.textValues += 1;
        if (key === 1) {
          content = value;
          found.contentStart = at;
          found.contentEnd = end;
        }
        else if (key === 2) reasoning = value;
        else refusal = value;
        at = end;
      }
    }
    if (at === -1) return -1;
    if (text.charCodeAt(at) !== COMMA) break;
    at += 1;
  }
  if (text.charCodeAt(at) !== CLOSE_BRACE) return -1;
  // The order readDeltaText counts in: content, reasoning, refusal.
  found.text += content + reasoning + refusal;
  return at + 1;
}

/** A choice with its `index` and a `delta` (so nothing is added to it), finishing or not. Its end, or -1. */
function choiceEnd(text: string, start: number, found: Found): number {
  if (text.charCodeAt(start) !== OPEN_BRACE) return -1;
  let at = start + 1;
  // `{}` has neither index nor delta.
  if (text.charCodeAt(at) === CLOSE_BRACE) return -1;
  let seen = 0;
  for (;;) {
    const key = readKey(text, at, choiceKeys);
    if (key === -1 || (seen & (1 << key)) !== 0) return -1;
    seen |= 1 << key;
    at = keyEnd;
    if (key === 0) {
      const end = integerEnd(text, at);
      if (end !== -1) found.choiceIndex = Number(text.slice(at, end));
      at = end;
    } else if (key === 1) at = deltaEnd(text, at, found);
    else if (key === 2) {
      const nullAt = nullEnd(text, at);
      if (nullAt === -1) {
        at = finishReasonEnd(text, at);
        found.finishes = true;
      } else at = nullAt;
    } else at = nullEnd(text, at);
    if (at === -1) return -1;
    if (text.charCodeAt(at) !== COMMA) break;
    at += 1;
  }
  if (text.charCodeAt(at) !== CLOSE_BRACE || (seen & 0b11) !== 0b11) return -1;
  return at + 1;
}

function choicesEnd(text: string, start: number, found: Found): number {
  if (text.charCodeAt(start) !== OPEN_BRACKET) return -1;
  let at = start + 1;
  for (;;) {
    at = choiceEnd(text, at, found);
    if (at === -1) return -1;
    found.choices += 1;
    if (text.charCodeAt(at) !== COMMA) break;
    at += 1;
  }
  return text.charCodeAt(at) === CLOSE_BRACKET ? at + 1 : -1;
}

/** One top-level value (`key`: its index in topKeys) at `at`; its end, or -1. `keyStart`: its key's opening quote. */
function topValueEnd(text: string, at: number, key: number, keyStart: number, found: Found): number {
  switch (key) {
    case 0: {
      const end = stringEnd(text, at);
      if (end === -1 || end - at === 2) return -1;
      found.id = text.slice(at + 1, end - 1);
      return found.id.includes('\\') ? -1 : end;
    }
    case 1:
      found.sawObject = text.startsWith('"chat.completion.chunk"', at);
      return found.sawObject ? at + 23 : -1;
    case 2: {
      const end = integerEnd(text, at);
      if (end === -1) return -1;
      const created = Number(text.slice(at, end));
      found.created = created;
      return created > 0 ? end : -1;
    }
    case 3:
      found.modelStart = at;
      found.modelEnd = stringEnd(text, at);
      return found.modelEnd;
    case 4: {
      const nullAt = nullEnd(text, at);
      if (nullAt !== -1) return nullAt;
      const end = stringEnd(text, at);
      if (end === -1) return -1;
      found.systemFingerprint = text.slice(at + 1, end - 1);
      return found.systemFingerprint.includes('\\') ? -1 : end;
    }
    case 5: {
      const nullAt = nullEnd(text, at);
      return nullAt !== -1 ? nullAt : stringEnd(text, at);
    }
    case 6:
      return stringEnd(text, at);
    case 7: {
      // Removed for a client that did not ask for usage: with the comma before it, so not the first key.
      found.usageStart = keyStart - 1;
      if (text.charCodeAt(found.usageStart) !== COMMA) return -1;
      const end = nullEnd(text, at);
      found.usageEnd = end;
      return end;
    }
    default:
      return choicesEnd(text, at, found);
  }
}

/** The scan itself: what it found, positions of the content string included (scan-plain-template.ts keeps them). */
export function scanChunk(data: string): Found | undefined {
  if (data.charCodeAt(0) !== OPEN_BRACE) return undefined;
  const found: Found = { modelStart: -1, modelEnd: -1, usageStart: -1, usageEnd: -1, id: '', created: 0, systemFingerprint: undefined, text: '', choices: 0, finishes: false, sawObject: false, contentStart: -1, contentEnd: -1, textValues: 0, choiceIndex: 0 };
  let at = 1;
  let seen = 0;
  if (data.charCodeAt(at) === CLOSE_BRACE) return undefined;
  for (;;) {
    // Anything but the known keys, `error` (an in-band error) included, takes the full path.
    const keyStart = at;
    const key = readKey(data, at, topKeys);
    if (key === -1 || (seen & (1 << key)) !== 0) return undefined;
    seen |= 1 << key;
    at = topValueEnd(data, keyEnd, key, keyStart, found);
    if (at === -1) return undefined;
    if (data.charCodeAt(at) !== COMMA) break;
    at += 1;
  }
  if (data.charCodeAt(at) !== CLOSE_BRACE || at + 1 !== data.length) return undefined;
  if (found.id === '' || found.created === 0 || found.modelStart === -1 || found.choices === 0 || !found.sawObject) return undefined;
  return found;
}

export function plainOf(found: Found): PlainChunk {
  return {
    modelStart: found.modelStart,
    modelEnd: found.modelEnd,
    usageStart: found.usageStart,
    usageEnd: found.usageEnd,
    id: found.id,
    created: found.created,
    systemFingerprint: found.systemFingerprint,
    text: found.text,
    choices: found.choices,
    finishes: found.finishes,
  };
}

export function scanPlainChunk(data: string): PlainChunk | undefined {
  const found = scanChunk(data);
  return found === undefined ? undefined : plainOf(found);
}
