// Cuts text into stream-sized pieces for a replayed stream: a client that renders deltas as they come
// should see text arrive in word-sized steps, not as one giant chunk.

export const defaultPieceSize = 24;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function isBreak(code: number): boolean {
  // space, tab, LF, CR
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Pieces of at most `size` UTF-16 code units whose concatenation is exactly `text`. A piece ends after
 * a space or line break when one lies in its second half; a surrogate pair is never split (so a piece
 * of size 1 may hold 2 code units). '' gives no pieces.
 */
export function splitIntoPieces(text: string, size: number = defaultPieceSize): string[] {
  const limit = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > limit) {
    let end = start + limit;
    for (let candidate = end; candidate > start + limit / 2; candidate--) {
      if (isBreak(text.charCodeAt(candidate - 1))) {
        end = candidate;
        break;
      }
    }
    if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) {
      end = end - 1 > start ? end - 1 : end + 1;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}
