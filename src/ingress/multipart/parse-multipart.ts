// A multipart/form-data body (RFC 7578 over RFC 2046 §5.1) read from the one buffer the server
// received: parts found with Buffer.indexOf on the delimiter, each file's bytes a view into that
// buffer (no second copy; a failover re-sends the same bytes), text fields decoded as UTF-8. Bounded
// by part count, part-header size and text-field size (docs/endpoints.md "Uploads"); a form that
// breaks a rule or a bound is a 400 in OpenAI's shape, never a 500.
import type { MultipartFile } from '../../core/endpoint.ts';
import { GatewayError } from '../../core/errors.ts';
import { readHeaderParameters } from './read-header-parameters.ts';

export interface MultipartBounds {
  /** Parts in one form (fields and files together). */
  maxParts: number;
  /** Bytes of one part's header block. */
  maxHeaderBytes: number;
  /** Bytes of one text field's value (a file's size is bounded by the body cap alone). */
  maxFieldBytes: number;
}

/**
 * 64 parts is far above any OpenAI form (an image edit with 16 images and a dozen fields); 8 KiB of
 * part headers is what common servers allow per header block; 128 KiB holds the longest text field
 * OpenAI takes (an image prompt of 32,000 characters, at up to 4 UTF-8 bytes each).
 */
export const defaultMultipartBounds: MultipartBounds = { maxParts: 64, maxHeaderBytes: 8 * 1024, maxFieldBytes: 128 * 1024 };

export interface MultipartForm {
  /** Text fields in the client's order (a name may repeat: `include[]`, `timestamp_granularities[]`). */
  fields: [string, string][];
  files: MultipartFile[];
}

const crlf = Buffer.from('\r\n');
const headerEnd = Buffer.from('\r\n\r\n');
const utf8 = new TextDecoder();

function malformed(message: string): GatewayError {
  return new GatewayError('invalid_request', `Malformed multipart/form-data body: ${message}.`);
}

/** RFC 2046 §5.1.1: 1 to 70 characters, from the content type's `boundary` parameter (quoted or not). */
export function readBoundary(contentType: string | undefined): string {
  const semicolon = (contentType ?? '').indexOf(';');
  const type = (semicolon === -1 ? (contentType ?? '') : (contentType ?? '').slice(0, semicolon)).trim().toLowerCase();
  if (type !== 'multipart/form-data') throw new GatewayError('invalid_request', `This endpoint takes a multipart/form-data body (got ${type === '' ? 'no content type' : `'${type}'`}).`);
  const boundary = readHeaderParameters(contentType ?? '', semicolon).get('boundary');
  if (boundary === undefined || boundary.length === 0 || boundary.length > 70) throw malformed('the content type has no boundary parameter of 1 to 70 characters');
  return boundary;
}

interface PartHeaders {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

function readPartHeaders(block: string): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`a part header line without a name: '${line.slice(0, 80)}'`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined) throw malformed('a part has no Content-Disposition header');
  const semicolon = disposition.indexOf(';');
  if ((semicolon === -1 ? disposition : disposition.slice(0, semicolon)).trim().toLowerCase() !== 'form-data') throw malformed('a part\'s Content-Disposition is not form-data');
  const parameters = readHeaderParameters(disposition, semicolon);
  const name = parameters.get('name');
  if (name === undefined) throw malformed('a part\'s Content-Disposition has no name');
  return { name, filename: parameters.get('filename*') ?? parameters.get('filename'), contentType };
}

/** Where the part starting at `start` (just after its delimiter line) ends, and its headers and content. */
function readPart(body: Buffer, start: number, delimiter: Buffer, bounds: MultipartBounds) {
  // `start - 2` so that a part without headers (the delimiter's CRLF then an empty line) is found too.
  const window = body.subarray(start - 2, start + bounds.maxHeaderBytes + headerEnd.byteLength);
  const end = window.indexOf(headerEnd);
  if (end === -1) throw malformed(window.byteLength < bounds.maxHeaderBytes ? 'a part\'s headers do not end with an empty line' : `a part's headers are over ${bounds.maxHeaderBytes} bytes`);
  const headers = readPartHeaders(utf8.decode(body.subarray(start, Math.max(start, start - 2 + end))));
  const contentStart = start - 2 + end + headerEnd.byteLength;
  const contentEnd = body.indexOf(delimiter, contentStart);
  if (contentEnd === -1) throw malformed('no closing delimiter');
  return { headers, content: body.subarray(contentStart, contentEnd), next: contentEnd + crlf.byteLength };
}

/** After a delimiter: `--` closes the form; otherwise optional spaces/tabs and CRLF open a part. Returns the part's start, or -1 at the close. */
function afterDelimiter(body: Buffer, position: number): number {
  if (body[position] === 0x2d && body[position + 1] === 0x2d) return -1;
  let cursor = position;
  while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor += 1;
  if (body[cursor] !== 0x0d || body[cursor + 1] !== 0x0a) throw malformed('a delimiter is not followed by a line break');
  return cursor + 2;
}

export function parseMultipart(body: Buffer, contentType: string | undefined, bounds: MultipartBounds = defaultMultipartBounds): MultipartForm {
  const boundary = readBoundary(contentType);
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.concat([crlf, dashBoundary]);
  // A preamble before the first delimiter is allowed and ignored (RFC 2046 §5.1.1).
  let position = body.subarray(0, dashBoundary.byteLength).equals(dashBoundary) ? 0 : body.indexOf(delimiter);
  if (position === -1) throw malformed(`no delimiter '--${boundary}' in the body`);
  if (position > 0) position += crlf.byteLength;
  const form: MultipartForm = { fields: [], files: [] };
  let start = afterDelimiter(body, position + dashBoundary.byteLength);
  while (start !== -1) {
    if (form.fields.length + form.files.length >= bounds.maxParts) throw malformed(`more than ${bounds.maxParts} parts`);
    const part = readPart(body, start, delimiter, bounds);
    if (part.headers.filename !== undefined) {
      form.files.push({ field: part.headers.name, filename: part.headers.filename, contentType: part.headers.contentType ?? 'application/octet-stream', bytes: part.content });
    } else {
      if (part.content.byteLength > bounds.maxFieldBytes) throw new GatewayError('invalid_request', `The form field '${part.headers.name}' is over ${bounds.maxFieldBytes} bytes.`, { param: part.headers.name });
      form.fields.push([part.headers.name, utf8.decode(part.content)]);
    }
    start = afterDelimiter(body, part.next + dashBoundary.byteLength);
  }
  return form;
}
