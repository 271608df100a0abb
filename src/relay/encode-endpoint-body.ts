// An endpoint's body on the wire for one channel: the client's JSON or multipart form with the
// channel's model name in place of the client's (RFC 7578 multipart/form-data).
import { createHash, randomBytes } from 'node:crypto';
import type { JsonObject } from '../core/chat.ts';
import type { EndpointBody, MultipartFile } from '../core/endpoint.ts';

export interface EncodedBody {
  /** One buffer (JSON), or a form's pieces in order: its files are the client's own bytes, not copied per try. */
  bytes: Uint8Array | readonly Uint8Array[];
  byteLength: number;
  contentType: string;
  /** What learning and capture see of it: the JSON sent, or the form's text fields (files summarized). */
  summary: JsonObject;
}

const encoder = new TextEncoder();

/** A part header's quoted value: RFC 7578 §4.2 leaves escaping to the sender; quotes and line breaks are percent-encoded as browsers do. */
function quoteValue(value: string): string {
  return `"${value.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A')}"`;
}

/** A file as logs and captures show it; with `hash` (debug capture only, never the hot path) its sha256 too. */
export function describeFile(file: MultipartFile, hash = false): string {
  const digest = hash ? `, sha256 ${createHash('sha256').update(file.bytes).digest('hex')}` : '';
  return `[file ${file.filename}, ${file.contentType}, ${file.bytes.byteLength} bytes${digest}]`;
}

/** A form's text fields with each file summarized (debug capture of the client's and the upstream's side); a repeated name lists its values. */
export function summarizeForm(fields: readonly (readonly [string, string])[], files: readonly MultipartFile[], hash = false): JsonObject {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const present = values.get(name);
    if (present === undefined) values.set(name, [value]);
    else present.push(value);
  };
  for (const [name, value] of fields) add(name, value);
  for (const file of files) add(file.field, describeFile(file, hash));
  const summary: JsonObject = {};
  for (const [name, list] of values) summary[name] = list.length === 1 ? (list[0] ?? '') : list;
  return summary;
}

/**
 * A multipart/form-data body of text fields then files, as pieces sent one after the other (each file
 * is the client's buffer itself: a try copies none of it); the boundary is random, so no content can
 * contain it by chance.
 */
export function encodeMultipart(fields: readonly (readonly [string, string])[], files: readonly MultipartFile[], boundary = `sluice-${randomBytes(16).toString('hex')}`): { bytes: readonly Uint8Array[]; byteLength: number; contentType: string } {
  const pieces: Uint8Array[] = [];
  for (const [name, value] of fields) {
    pieces.push(encoder.encode(`--${boundary}\r\ncontent-disposition: form-data; name=${quoteValue(name)}\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    pieces.push(encoder.encode(`--${boundary}\r\ncontent-disposition: form-data; name=${quoteValue(file.field)}; filename=${quoteValue(file.filename)}\r\ncontent-type: ${file.contentType}\r\n\r\n`));
    pieces.push(file.bytes, encoder.encode('\r\n'));
  }
  pieces.push(encoder.encode(`--${boundary}--\r\n`));
  return { bytes: pieces, byteLength: pieces.reduce((total, piece) => total + piece.byteLength, 0), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The body for a channel: `model` set to the upstream's name (a form without a model field gets none).
 * `hashFiles` (debug capture is on for this try) adds each file's sha256 to the summary.
 */
export function encodeEndpointBody(body: EndpointBody, upstreamModel: string, hashFiles = false): EncodedBody {
  if (body.kind === 'json') {
    const json: JsonObject = { ...body.json, model: upstreamModel };
    const bytes = encoder.encode(JSON.stringify(json));
    return { bytes, byteLength: bytes.byteLength, contentType: 'application/json', summary: json };
  }
  const fields = body.fields.map(([name, value]): readonly [string, string] => [name, name === 'model' ? upstreamModel : value]);
  return { ...encodeMultipart(fields, body.files), summary: summarizeForm(fields, body.files, hashFiles) };
}
