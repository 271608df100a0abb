import { describe, expect, it } from 'vitest';
import { describeRejectionFix, recognizeRejection } from './recognize-rejection.ts';

describe('recognizeRejection', () => {
  it.each([
    ['This model only support stream mode, please enable the stream parameter to access the model. ', 'stream-required'],
    ['parameter.enable_thinking must be set to false for non-streaming calls', 'stream-required'],
    ['stream must be set to true', 'stream-required'],
    ['This model must be streamed.', 'stream-required'],
    ["Unsupported value: 'stream' does not support true with this model. Supported values are: false.", 'stream-unsupported'],
    ["Unsupported value: 'stream' does not support true with this model. Only the default (false) value is supported.", 'stream-unsupported'],
    ['Streaming requests are not yet allowed.', 'stream-unsupported'],
    ['Your organization must be verified to stream this model. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization.', 'stream-unsupported'],
    ['Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request', 'stream-options-unsupported'],
    ["Unknown parameter: 'stream_options'.", 'stream-options-unsupported'],
    ['Argument not supported on this model: stream_options', 'stream-options-unsupported'],
    ['body.stream_options: Extra inputs are not permitted', 'stream-options-unsupported'],
    ["The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream-options-unsupported'],
  ])('recognizes %j', (message, kind) => {
    expect(recognizeRejection({ message })?.kind).toBe(kind);
  });

  it('names an optional field on the safe list', () => {
    expect(recognizeRejection({ message: "Unknown parameter: 'store'." })).toEqual({ kind: 'field-unsupported', field: 'store' });
    expect(recognizeRejection({ message: 'body.metadata: Extra inputs are not permitted' })).toEqual({ kind: 'field-unsupported', field: 'metadata' });
    expect(recognizeRejection({ message: 'Unrecognized request argument supplied: parallel_tool_calls' })).toEqual({ kind: 'field-unsupported', field: 'parallel_tool_calls' });
  });

  it('leaves fields off the safe list and other errors alone', () => {
    expect(recognizeRejection({ message: "Unknown parameter: 'temperature'." })).toBeUndefined();
    expect(recognizeRejection({ message: "This model's maximum context length is 8192 tokens." })).toBeUndefined();
    expect(recognizeRejection({ message: 'The user field is too long' })).toBeUndefined();
  });

  it('takes the name from the error\'s param field only in a parameter-rejection sentence', () => {
    expect(recognizeRejection({ message: 'This field is not supported by this model.', param: 'store' })).toEqual({ kind: 'field-unsupported', field: 'store' });
    expect(recognizeRejection({ message: "Invalid 'user': string too long. Expected a string with maximum length 64.", param: 'user' })).toBeUndefined();
  });

  it('learns nothing from a value-range complaint or an access refusal (issue 12)', () => {
    expect(recognizeRejection({ message: "Invalid parameter: 'user' must be at most 64 characters" })).toBeUndefined();
    expect(recognizeRejection({ message: 'User not allowed to access this model' })).toBeUndefined();
    expect(recognizeRejection({ message: "The 'metadata' value is not allowed here" })).toBeUndefined();
  });

  it('reads the other parameter-rejection sentences', () => {
    expect(recognizeRejection({ message: "Unsupported parameter: 'user' is not supported with this model." })).toEqual({ kind: 'field-unsupported', field: 'user' });
    expect(recognizeRejection({ message: 'service_tier is not supported' })).toEqual({ kind: 'field-unsupported', field: 'service_tier' });
    expect(recognizeRejection({ message: 'Argument not supported: store' })).toEqual({ kind: 'field-unsupported', field: 'store' });
  });

  it('says what to configure', () => {
    expect(describeRejectionFix({ kind: 'stream-options-unsupported' })).toMatch(/stream_options: false/);
    expect(describeRejectionFix({ kind: 'field-unsupported', field: 'store' })).toMatch(/overrides: \{ store: null \}/);
  });
});
