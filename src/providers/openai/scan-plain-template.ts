// One stream's plain scanner (issue 13): the chunks of a stream mostly differ only in their text, so
// the last plain chunk's text around its content is kept as a template, and a chunk that matches it
// scans only its content string. The scan itself is scan-plain-chunk.ts; the collect path asks
// `sameButContent` for a chunk that repeats the template but for its content (src/relay/read-upstream-events.ts).
import type { PlainChunk, PlainContent } from '../../core/chat.ts';
import { type Found, plainOf, scanChunk, stringEnd, stringValue } from './scan-plain-chunk.ts';

/**
 * A plain chunk whose only text is its one choice's `content`: the text before that string and
 * after it. The scan is deterministic, left to right, so another chunk with the same text before
 * and after and one string token between them scans the same way, with only that string (and the
 * positions after it) different.
 */
interface Template {
  before: string;
  after: string;
  plain: PlainChunk;
  contentLength: number;
  /** Its one choice's index. */
  index: number;
}

function templateOf(data: string, found: Found): Template | undefined {
  // Not a finish chunk: the collect path hands a chunk that matches the template on as content only.
  if (found.finishes || found.choices !== 1 || found.textValues !== 1 || found.contentStart === -1) return undefined;
  return { before: data.slice(0, found.contentStart), after: data.slice(found.contentEnd), plain: plainOf(found), contentLength: found.contentEnd - found.contentStart, index: found.choiceIndex };
}

function fromTemplate(template: Template, data: string): PlainChunk | undefined {
  const { before, plain } = template;
  const contentEnd = contentEndOf(template, data);
  if (contentEnd === -1) return undefined;
  const shift = contentEnd - before.length - template.contentLength;
  const moved = (position: number): number => (position > before.length ? position + shift : position);
  return {
    modelStart: moved(plain.modelStart),
    modelEnd: moved(plain.modelEnd),
    usageStart: plain.usageStart === -1 ? -1 : moved(plain.usageStart),
    usageEnd: plain.usageEnd === -1 ? -1 : moved(plain.usageEnd),
    id: plain.id,
    created: plain.created,
    systemFingerprint: plain.systemFingerprint,
    text: stringValue(data, before.length, contentEnd),
    choices: 1,
    finishes: false,
  };
}

/**
 * `scanPlainChunk` for one stream: the chunks of a stream mostly differ only in their text, so the
 * last plain chunk's text around its content is kept, and a chunk that matches it scans only its
 * content. `scan` answers as `scanPlainChunk` for every chunk; `sameButContent` answers only for a
 * chunk that matches the last one `scan` kept (the collect path parses the others, and scans them
 * too, to keep them as the next one to match).
 */
export interface PlainScanner {
  scan(data: string): PlainChunk | undefined;
  sameButContent(data: string): PlainContent | undefined;
}

function contentEndOf(template: Template, data: string): number {
  const { before, after } = template;
  const contentEnd = data.length - after.length;
  // `slice` + `===` compares with memcmp; `startsWith` walks character by character (V8, measured ~5x slower here).
  if (contentEnd - before.length < 2 || data.slice(0, before.length) !== before || data.slice(contentEnd) !== after) return -1;
  return stringEnd(data, before.length) === contentEnd ? contentEnd : -1;
}

/**
 * One object per stream, its methods on the prototype: a held stream keeps its scanner to its end,
 * and an object of two closures over a `let` cost a context and two functions more (docs/benchmarks.md,
 * "Held stream, round nine").
 */
class TemplateScanner implements PlainScanner {
  #template: Template | undefined;

  scan(data: string): PlainChunk | undefined {
    const template = this.#template;
    if (template !== undefined) {
      const plain = fromTemplate(template, data);
      if (plain !== undefined) return plain;
    }
    const found = scanChunk(data);
    if (found === undefined) return undefined;
    this.#template = templateOf(data, found) ?? template;
    return plainOf(found);
  }

  sameButContent(data: string): PlainContent | undefined {
    const template = this.#template;
    if (template === undefined) return undefined;
    const contentEnd = contentEndOf(template, data);
    if (contentEnd === -1) return undefined;
    return { index: template.index, content: stringValue(data, template.before.length, contentEnd) };
  }
}

export function createPlainScanner(): PlainScanner {
  return new TemplateScanner();
}
