import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.ts';
import { parseModerationsRequest } from '../moderations/parse-moderations-request.ts';
import { parseImageGenerationRequest } from './parse-image-generation-request.ts';

function refusal(parse: () => unknown): GatewayError | undefined {
  try {
    parse();
  } catch (error) {
    return error as GatewayError;
  }
  return undefined;
}

describe('parseImageGenerationRequest', () => {
  it('takes the documented fields, counting n images (1 when absent), a lenient "n" sent as a number', () => {
    expect(parseImageGenerationRequest({ model: 'gpt-image-1', prompt: 'p', n: '3', size: '1536x1024', quality: 'high', background: 'transparent', output_format: 'webp', extra: 1 })).toEqual({
      model: 'gpt-image-1',
      body: { model: 'gpt-image-1', prompt: 'p', n: 3, size: '1536x1024', quality: 'high', background: 'transparent', output_format: 'webp', extra: 1 },
      count: 3,
      stream: false,
    });
    expect(parseImageGenerationRequest({ model: 'dall-e-3', prompt: 'p', response_format: 'b64_json' }).count).toBe(1);
  });

  it('refuses n out of 1–10, an unknown response_format, a missing model or prompt, naming the field', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'm', prompt: 'p', n: 11 }, 'n'],
      [{ model: 'm', prompt: 'p', n: 1.5 }, 'n'],
      [{ model: 'm', prompt: 'p', response_format: 'png' }, 'response_format'],
      [{ model: 'm', prompt: 'p', output_format: 'gif' }, 'output_format'],
      [{ model: 'm', prompt: '' }, 'prompt'],
      [{ prompt: 'p' }, 'model'],
    ];
    for (const [body, param] of cases) expect(refusal(() => parseImageGenerationRequest(body)), param).toMatchObject({ status: 400, param });
  });
});

describe('parseModerationsRequest', () => {
  it('routes a body without a model as omni-moderation-latest and sends that name', () => {
    expect(parseModerationsRequest({ input: 'hi' })).toEqual({ model: 'omni-moderation-latest', body: { input: 'hi', model: 'omni-moderation-latest' } });
    expect(parseModerationsRequest({ model: 'text-moderation-stable', input: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }).model).toBe('text-moderation-stable');
  });

  it('refuses an input that is no string, strings or parts', () => {
    expect(refusal(() => parseModerationsRequest({ input: [{ type: 'audio', audio: 'x' }] }))).toMatchObject({ status: 400, param: 'input' });
    expect(refusal(() => parseModerationsRequest({}))).toMatchObject({ status: 400, param: 'input' });
  });
});
