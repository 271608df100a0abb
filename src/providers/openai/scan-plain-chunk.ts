// The fast path of the stream (issue 13): most OpenAI-compatible chunks need no change but the model
// name. This scan, one pass over the event's text and no JSON.parse, says whether a chunk is such a
// plain one, and where its model name and `usage: null` sit. It accepts only text that parsing and
// re-encoding (JSON.stringify) would give back byte for byte, and only fields the parser
// (parse-stream.ts) and the client shaping (src/adapt/shape-client-stream.ts) leave as they are:
// anything else (tool calls, a finish reason, usage, whitespace, a float, an unusual escape) is
// undefined, and the event takes the full parse path.
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

/** `\uXXXX` escapes JSON.stringify writes itself: control characters without a short form. */
function isCanonicalUnicodeEscape(text: string, at: number): boolean {
  const hex = text.slice(at, at + 4);
  if (!/^00[01][0-9a-f]$/.test(hex)) return false;
  const code = Number.parseInt(hex, 16);
  return code !== 0x08 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d;
}

class Scan {
  position = 0;
  /** Where the key being read starts (its opening quote). */
  keyStart = 0;
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  take(code: number): boolean {
    if (this.text.charCodeAt(this.position) !== code) return false;
    this.position += 1;
    return true;
  }

  /**
   * A string in JSON.stringify's own form; returns the index after its closing quote, or -1.
   * Characters that the client encoder would escape (U+0085, U+2028, U+2029) are refused too.
   */
  string(): number {
    const { text } = this;
    if (text.charCodeAt(this.position) !== QUOTE) return -1;
    let at = this.position + 1;
    for (;;) {
      const code = text.charCodeAt(at);
      if (Number.isNaN(code) || code < 0x20 || code === 0x85 || code === 0x2028 || code === 0x2029) return -1;
      if (code === QUOTE) break;
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
    this.position = at + 1;
    return this.position;
  }

  /** A string's value: its text when it has no escape, parsed otherwise. */
  stringValue(start: number, end: number): string {
    const raw = this.text.slice(start + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : raw;
  }

  /** An integer as JSON.stringify writes it (no `-0`, no leading zero, no fraction or exponent). */
  integer(): number | undefined {
    const { text } = this;
    const start = this.position;
    let at = start;
    if (text.charCodeAt(at) === 0x2d) at += 1;
    const digitsStart = at;
    while (text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39) at += 1;
    const digits = at - digitsStart;
    if (digits === 0 || digits > maxIntegerDigits) return undefined;
    if (digits > 1 && text.charCodeAt(digitsStart) === 0x30) return undefined;
    const value = Number(text.slice(start, at));
    if (Object.is(value, -0)) return undefined;
    this.position = at;
    return value;
  }

  literal(word: string): boolean {
    if (!this.text.startsWith(word, this.position)) return false;
    this.position += word.length;
    return true;
  }

  /** `"key":` where the key has no escape; returns the key or undefined. */
  key(): string | undefined {
    const start = this.position;
    const end = this.string();
    if (end === -1 || !this.take(COLON)) return undefined;
    const key = this.text.slice(start + 1, end - 1);
    return key.includes('\\') ? undefined : key;
  }

  /** `{` key-value pairs `}`, each read by `read`; false stops the scan. Duplicate keys are refused. */
  object(read: (key: string) => boolean): boolean {
    if (!this.take(OPEN_BRACE)) return false;
    if (this.take(CLOSE_BRACE)) return true;
    // A handful of keys: an array is cheaper than a Set here.
    const seen: string[] = [];
    do {
      this.keyStart = this.position;
      const key = this.key();
      if (key === undefined || seen.includes(key)) return false;
      seen.push(key);
      if (!read(key)) return false;
    } while (this.take(COMMA));
    return this.take(CLOSE_BRACE);
  }
}

type Found = Omit<PlainChunk, 'text' | 'choices'> & { text: string; choices: number; sawObject: boolean };

/** `string` or `null`; the string's value appended to the text when `counted`. */
function readNullableText(scan: Scan, found: Found, counted: boolean): boolean {
  if (scan.literal('null')) return true;
  const start = scan.position;
  const end = scan.string();
  if (end === -1) return false;
  if (counted) found.text += scan.stringValue(start, end);
  return true;
}

/** A delta with text only: no tool calls (renumbered), no `reasoning` (copied to reasoning_content). */
function readDelta(scan: Scan, found: Found): boolean {
  const parts: Record<string, string> = {};
  const ok = scan.object((key) => {
    if (key === 'role') return scan.string() !== -1;
    if (key !== 'content' && key !== 'reasoning_content' && key !== 'refusal') return false;
    const before = found.text;
    found.text = '';
    const read = readNullableText(scan, found, true);
    parts[key] = found.text;
    found.text = before;
    return read;
  });
  // The order readDeltaText counts in: content, reasoning, refusal.
  found.text += (parts.content ?? '') + (parts.reasoning_content ?? '') + (parts.refusal ?? '');
  return ok;
}

/** A choice that does not finish, with its `index` and a `delta` (so nothing is added to it). */
function readChoice(scan: Scan, found: Found): boolean {
  let hasIndex = false;
  let hasDelta = false;
  const ok = scan.object((key) => {
    switch (key) {
      case 'index':
        hasIndex = scan.integer() !== undefined;
        return hasIndex;
      case 'delta':
        hasDelta = readDelta(scan, found);
        return hasDelta;
      case 'finish_reason':
      case 'logprobs':
        return scan.literal('null');
      default:
        return false;
    }
  });
  return ok && hasIndex && hasDelta;
}

function readChoices(scan: Scan, found: Found): boolean {
  if (!scan.take(OPEN_BRACKET)) return false;
  do {
    if (!readChoice(scan, found)) return false;
    found.choices += 1;
  } while (scan.take(COMMA));
  return scan.take(CLOSE_BRACKET);
}

function readTopLevel(scan: Scan, found: Found, key: string): boolean {
  switch (key) {
    case 'id': {
      const start = scan.position;
      const end = scan.string();
      if (end === -1 || end - start === 2) return false;
      found.id = scan.text.slice(start + 1, end - 1);
      return !found.id.includes('\\');
    }
    case 'object':
      found.sawObject = scan.literal('"chat.completion.chunk"');
      return found.sawObject;
    case 'created': {
      const created = scan.integer();
      found.created = created ?? 0;
      return created !== undefined && created > 0;
    }
    case 'model':
      found.modelStart = scan.position;
      found.modelEnd = scan.string();
      return found.modelEnd !== -1;
    case 'system_fingerprint': {
      if (scan.literal('null')) return true;
      const start = scan.position;
      const end = scan.string();
      if (end === -1) return false;
      found.systemFingerprint = scan.text.slice(start + 1, end - 1);
      return !found.systemFingerprint.includes('\\');
    }
    case 'service_tier':
      return scan.literal('null') || scan.string() !== -1;
    case 'obfuscation':
      return scan.string() !== -1;
    case 'usage':
      // Removed for a client that did not ask for usage: with the comma before it, so not the first key.
      found.usageStart = scan.keyStart - 1;
      if (scan.text.charCodeAt(found.usageStart) !== COMMA) return false;
      if (!scan.literal('null')) return false;
      found.usageEnd = scan.position;
      return true;
    case 'choices':
      return readChoices(scan, found);
    default:
      // Anything else, `error` (an in-band error) included, takes the full path.
      return false;
  }
}

export function scanPlainChunk(data: string): PlainChunk | undefined {
  const scan = new Scan(data);
  const found: Found = { modelStart: -1, modelEnd: -1, usageStart: -1, usageEnd: -1, id: '', created: 0, systemFingerprint: undefined, text: '', choices: 0, sawObject: false };
  const ok = scan.object((key) => readTopLevel(scan, found, key));
  if (!ok || scan.position !== data.length) return undefined;
  if (found.id === '' || found.created === 0 || found.modelStart === -1 || found.choices === 0 || !found.sawObject) return undefined;
  const { sawObject: _sawObject, ...plain } = found;
  return plain;
}
