// The `; key=value` parameters of a header value (Content-Type's boundary, Content-Disposition's name
// and filename): a value is a token or a quoted string whose backslash escapes are undone (RFC 9110
// §5.6.4); `filename*` in RFC 8187's `UTF-8''percent-encoded` form is decoded.

function decodeExtendedValue(value: string): string | undefined {
  const match = /^utf-8'[^']*'(.*)$/i.exec(value);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1] ?? '');
  } catch {
    return undefined;
  }
}

/** Reads a quoted string starting at `text[start] === '"'`: its value and the index just past it. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const character = text.charAt(index);
    if (character === '\\' && index + 1 < text.length) {
      value += text.charAt(index + 1);
      index += 2;
    } else if (character === '"') {
      return { value, end: index + 1 };
    } else {
      value += character;
      index += 1;
    }
  }
  return { value, end: index };
}

/** Parameters after `text[from]` (the first `;`; -1: none), names lower-cased; the first of a repeated name wins. */
export function readHeaderParameters(text: string, from: number): Map<string, string> {
  const parameters = new Map<string, string>();
  if (from === -1) return parameters;
  let index = from + 1;
  while (index < text.length) {
    const equals = text.indexOf('=', index);
    if (equals === -1) break;
    const name = text.slice(index, equals).replace(/^[\s;]+/, '').trim().toLowerCase();
    let valueStart = equals + 1;
    while (text[valueStart] === ' ' || text[valueStart] === '\t') valueStart += 1;
    let value: string;
    if (text[valueStart] === '"') {
      const quoted = readQuoted(text, valueStart);
      value = quoted.value;
      index = text.indexOf(';', quoted.end);
    } else {
      const semicolon = text.indexOf(';', valueStart);
      value = (semicolon === -1 ? text.slice(valueStart) : text.slice(valueStart, semicolon)).trim();
      index = semicolon;
    }
    if (name.endsWith('*')) {
      const decoded = decodeExtendedValue(value);
      if (decoded !== undefined && !parameters.has(name)) parameters.set(name, decoded);
    } else if (name !== '' && !parameters.has(name)) {
      parameters.set(name, value);
    }
    if (index === -1) break;
    index += 1;
  }
  return parameters;
}
