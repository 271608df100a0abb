// A request body's text → JSON, with a 400 that says what is wrong with it.
import { GatewayError } from '../core/errors.ts';

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new GatewayError('invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${detail}`);
  }
}
