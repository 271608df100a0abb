import { describe, expect, it } from 'vitest';
import { recognizeRejection } from './recognize-rejection.ts';

describe('recognizeRejection', () => {
  it.each([
    ['This model only support stream mode, please enable the stream parameter to access the model. ', 'stream-required'],
    ['parameter.enable_thinking must be set to false for non-streaming calls', 'stream-required'],
    ["Unsupported value: 'stream' does not support true with this model. Supported values are: false.", 'stream-unsupported'],
    ["Unsupported value: 'stream' does not support true with this model. Only the default (false) value is supported.", 'stream-unsupported'],
    ['Streaming requests are not yet allowed.', 'stream-unsupported'],
    ['Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request', 'stream-options-unsupported'],
    ["Unknown parameter: 'stream_options'.", 'stream-options-unsupported'],
    ['Argument not supported: stream_options', 'stream-options-unsupported'],
  ])('recognizes %j', (message, expected) => {
    expect(recognizeRejection(message)).toBe(expected);
  });

  it('leaves other errors alone', () => {
    expect(recognizeRejection("This model's maximum context length is 8192 tokens.")).toBeUndefined();
  });
});
