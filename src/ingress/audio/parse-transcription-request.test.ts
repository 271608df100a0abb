// The transcription/translation form checks that the SDK's types do not make for us: the file part,
// the formats each endpoint has, granularities only with verbose_json, no stream on translations.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { MultipartForm } from '../multipart/parse-multipart.ts';
import { parseTranscriptionRequest } from './parse-transcription-request.ts';

const file = { field: 'file', filename: 'a.wav', contentType: 'audio/wav', bytes: new Uint8Array([1, 2]) };

function form(fields: [string, string][], files = [file]): MultipartForm {
  return { fields: [['model', 'whisper-1'], ...fields], files };
}

function refusal(run: () => unknown): { param: string | null | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected a 400');
}

describe('parseTranscriptionRequest', () => {
  it('takes a form with one file and answers whole, or streamed for stream=true, with the format’s content type', () => {
    expect(parseTranscriptionRequest(form([['response_format', 'srt']]), 'audio.transcriptions')).toMatchObject({ model: 'whisper-1', answer: 'whole', clientStream: false, defaultContentType: 'text/plain; charset=utf-8' });
    expect(parseTranscriptionRequest(form([['stream', 'true']]), 'audio.transcriptions')).toMatchObject({ answer: 'streamed', clientStream: true, defaultContentType: 'text/event-stream' });
    expect(parseTranscriptionRequest(form([['response_format', 'diarized_json']]), 'audio.transcriptions').defaultContentType).toBe('application/json');
  });

  it('refuses no file, two files, a file sent as text, and a format the endpoint does not have', () => {
    expect(refusal(() => parseTranscriptionRequest(form([], []), 'audio.transcriptions')).param).toBe('file');
    expect(refusal(() => parseTranscriptionRequest(form([], [file, file]), 'audio.transcriptions')).message).toBe("Only one 'file' may be sent.");
    expect(refusal(() => parseTranscriptionRequest({ fields: [['model', 'm'], ['file', 'text']], files: [] }, 'audio.transcriptions')).message).toContain('must be a file upload');
    expect(refusal(() => parseTranscriptionRequest(form([['response_format', 'mp3']]), 'audio.transcriptions')).param).toBe('response_format');
    expect(refusal(() => parseTranscriptionRequest(form([['response_format', 'diarized_json']]), 'audio.translations')).param).toBe('response_format');
  });

  it('refuses timestamp granularities without verbose_json, a temperature out of range, and a stream on translations', () => {
    expect(refusal(() => parseTranscriptionRequest(form([['timestamp_granularities[]', 'word']]), 'audio.transcriptions')).param).toBe('timestamp_granularities');
    expect(parseTranscriptionRequest(form([['timestamp_granularities[]', 'word'], ['response_format', 'verbose_json']]), 'audio.transcriptions').answer).toBe('whole');
    expect(refusal(() => parseTranscriptionRequest(form([['temperature', '1.5']]), 'audio.transcriptions')).param).toBe('temperature');
    expect(refusal(() => parseTranscriptionRequest(form([['stream', 'true']]), 'audio.translations')).param).toBe('stream');
  });
});
