import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { parseEmbeddingsRequest } from './parse-embeddings-request.ts';

function rejection(body: unknown): GatewayError {
  try {
    parseEmbeddingsRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseEmbeddingsRequest', () => {
  it.each([['text'], [['a', 'b']], [[1, 2, 3]], [[[1, 2], [3]]]])('accepts the input %j', (input) => {
    expect(parseEmbeddingsRequest({ model: 'e', input, encoding_format: 'base64', dimensions: '8', vendor: 1 })).toEqual({ model: 'e', input, encoding_format: 'base64', dimensions: 8, vendor: 1 });
  });

  it.each([
    [{ model: 'e' }, 'input'],
    [{ model: 'e', input: '' }, 'input'],
    [{ model: 'e', input: [] }, 'input'],
    [{ model: 'e', input: [1, 'a'] }, 'input'],
    [{ model: 'e', input: [[]] }, 'input[0]'],
    [{ model: 'e', input: 5 }, 'input'],
    [{ model: 'e', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    [{ model: 'e', input: 'x', dimensions: 0 }, 'dimensions'],
    [{ input: 'x' }, 'model'],
  ])('rejects %j naming %s', (body, param) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });
});
