// A form re-encoded per channel: its files sent from the client's own buffers (no copy per try), the
// summary hashed only when capture asks for it (hashing is not on the hot path).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EndpointBody } from '../core/endpoint.ts';
import { encodeEndpointBody } from './encode-endpoint-body.ts';

const audio = new Uint8Array([1, 2, 3, 250]);
const form: EndpointBody = { kind: 'multipart', fields: [['model', 'whisper'], ['include[]', 'logprobs'], ['include[]', 'other']], files: [{ field: 'file', filename: 'a.wav', contentType: 'audio/wav', bytes: audio }] };

describe('encodeEndpointBody', () => {
  it('sends a form in pieces whose file piece is the client’s buffer itself, with its total length', () => {
    const encoded = encodeEndpointBody(form, 'upstream-whisper');
    expect(Array.isArray(encoded.bytes)).toBe(true);
    const pieces = encoded.bytes as readonly Uint8Array[];
    expect(pieces).toContain(audio);
    expect(encoded.byteLength).toBe(Buffer.concat(pieces).byteLength);
    expect(Buffer.concat(pieces).toString('latin1')).toContain('upstream-whisper');
  });

  it('summarizes files by name, type and size, adding the sha256 only when asked', () => {
    expect(encodeEndpointBody(form, 'm').summary).toEqual({ model: 'm', 'include[]': ['logprobs', 'other'], file: '[file a.wav, audio/wav, 4 bytes]' });
    const digest = createHash('sha256').update(audio).digest('hex');
    expect(encodeEndpointBody(form, 'm', true).summary.file).toBe(`[file a.wav, audio/wav, 4 bytes, sha256 ${digest}]`);
  });
});
