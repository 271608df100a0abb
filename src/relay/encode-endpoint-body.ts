// An endpoint's body on the wire for one channel: the client's JSON or multipart form with the
// channel's model name in place of the client's (RFC 7578 multipart/form-data).
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../core/chat.ts';
import type { EndpointBody, MultipartFile } from '../core/endpoint.ts';

export interface EncodedBody {
  bytes: Uint8Array;
  contentType: string;
  /** What learning and capture see of it: the JSON sent, or the form's text fields (files summarized). */
  summary: JsonObject;
}

const encoder = new TextEncoder();

/** A part header's quoted value: RFC 7578 §4.2 leaves escaping to the sender; quotes and line breaks are percent-encoded as browsers do. */
function quoteValue(value: string): string {
  return `"${value.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A')}"`;
}

function describeFile(file: MultipartFile): string {
  return `[file ${file.filename}, ${file.contentType}, ${file.bytes.byteLength} bytes]`;
}

/** A multipart/form-data body of text fields then files; the boundary is random, so no content can contain it by chance. */
export function encodeMultipart(fields: readonly (readonly [string, string])[], files: readonly MultipartFile[], boundary = `sluice-${randomBytes(16).toString('hex')}`): { bytes: Uint8Array; contentType: string } {
  const pieces: Uint8Array[] = [];
  for (const [name, value] of fields) {
    pieces.push(encoder.encode(`--${boundary}\r\ncontent-disposition: form-data; name=${quoteValue(name)}\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    pieces.push(encoder.encode(`--${boundary}\r\ncontent-disposition: form-data; name=${quoteValue(file.field)}; filename=${quoteValue(file.filename)}\r\ncontent-type: ${file.contentType}\r\n\r\n`));
    pieces.push(file.bytes, encoder.encode('\r\n'));
  }
  pieces.push(encoder.encode(`--${boundary}--\r\n`));
  return { bytes: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The body for a channel: `model` set to the upstream's name (a form without a model field gets none). */
export function encodeEndpointBody(body: EndpointBody, upstreamModel: string): EncodedBody {
  if (body.kind === 'json') {
    const json: JsonObject = { ...body.json, model: upstreamModel };
    return { bytes: encoder.encode(JSON.stringify(json)), contentType: 'application/json', summary: json };
  }
  const fields = body.fields.map(([name, value]): readonly [string, string] => [name, name === 'model' ? upstreamModel : value]);
  const summary: JsonObject = Object.fromEntries(fields);
  for (const file of body.files) summary[file.field] = describeFile(file);
  return { ...encodeMultipart(fields, body.files), summary };
}
