import { describe, expect, it } from 'vitest';
import { parseErrorBody } from './parse-error-body.ts';

describe('parseErrorBody', () => {
  it("reads xAI's string error", () => {
    const body = '{"code":"Client specified an invalid argument","error":"Argument not supported: stream_options"}';
    expect(parseErrorBody(400, body)).toEqual({
      message: 'Argument not supported: stream_options',
      type: undefined,
      code: 'Client specified an invalid argument',
      param: undefined,
    });
  });

  it('reads the OpenAI error object with its type, code and param', () => {
    const body = JSON.stringify({
      error: {
        message: "Unsupported value: 'stream' does not support true with this model. Supported values are: false.",
        type: 'invalid_request_error',
        param: 'stream',
        code: 'unsupported_value',
      },
    });
    expect(parseErrorBody(400, body)).toEqual({
      message: "Unsupported value: 'stream' does not support true with this model. Supported values are: false.",
      type: 'invalid_request_error',
      code: 'unsupported_value',
      param: 'stream',
    });
  });

  it('keeps a numeric error code as text', () => {
    expect(parseErrorBody(400, '{"error":{"message":"bad","type":"BadRequestError","code":400}}').code).toBe('400');
  });

  it('reads a top-level message', () => {
    expect(parseErrorBody(404, '{"message":"model \\"x\\" not found"}').message).toBe('model "x" not found');
  });

  it('reads a FastAPI detail string', () => {
    expect(parseErrorBody(401, '{"detail":"Unauthorized"}').message).toBe('Unauthorized');
  });

  it("reads Mistral's 422 detail list with field locations", () => {
    const body = '{"detail":[{"loc":["body","messages",0,"role"],"msg":"Input should be \'user\'","type":"literal_error"}]}';
    expect(parseErrorBody(422, body).message).toBe("body.messages.0.role: Input should be 'user'");
  });

  it('reads the first element of an array of errors', () => {
    expect(parseErrorBody(429, '[{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}]')).toMatchObject({
      message: 'Quota exceeded',
      type: 'RESOURCE_EXHAUSTED',
    });
  });

  it('passes plain text through', () => {
    expect(parseErrorBody(500, 'http: wrote more than the declared Content-Length\n').message).toBe(
      'http: wrote more than the declared Content-Length',
    );
  });

  it('reads the title of an HTML error page', () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>';
    expect(parseErrorBody(502, html).message).toBe('502 Bad Gateway');
  });

  it('says so when the body is empty', () => {
    expect(parseErrorBody(503, '').message).toBe('HTTP 503 with an empty body');
  });

  it('falls back to the raw JSON when no known field carries the message', () => {
    expect(parseErrorBody(400, '{"oops":true}').message).toBe('{"oops":true}');
  });

  it("reads Mistral's 422 with pydantic's list nested in message", () => {
    const body = '{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true,"url":"https://errors.pydantic.dev/2.10/v/extra_forbidden"}]},"type":"invalid_request_error","param":null,"code":null}';
    expect(parseErrorBody(422, body)).toMatchObject({ message: 'body.stream_options.include_usage: Extra inputs are not permitted', type: 'invalid_request_error' });
  });
});
