import { describe, expect, it } from 'vitest';
import { parseAzureError } from './parse-error.ts';

// Azure's prompt-filter refusal (docs/wire-formats.md 2.1; body as quoted in vercel/ai and others).
const filtered =
  '{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":true,"detected":true},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":true,"severity":"high"},"violence":{"filtered":false,"severity":"safe"}}}}}';

describe('parseAzureError', () => {
  it('names the content-filter categories that fired', () => {
    const details = parseAzureError(400, filtered);
    expect(details.code).toBe('content_filter');
    expect(details.param).toBe('prompt');
    expect(details.message).toMatch(/^The response was filtered due to the prompt triggering Azure OpenAI's content management policy\./);
    expect(details.message).toMatch(/\(Azure content filter: jailbreak, sexual \(high\)\)$/);
  });

  it('reads other errors as the shared reader does', () => {
    const body = '{"error":{"message":"Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 for further questions.","type":"invalid_request_error","param":"","code":null}}';
    expect(parseAzureError(400, body).message).toMatch(/^Unrecognized request argument supplied: stream_options\./);
  });
});
