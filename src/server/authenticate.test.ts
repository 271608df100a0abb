import { describe, expect, it } from 'vitest';
import { authorizeModel, createAuthenticator } from './authenticate.ts';

describe('createAuthenticator', () => {
  const authenticate = createAuthenticator([{ name: 'app', key: 'sk-app', models: ['gpt-*'] }]);

  it('knows a configured key', () => {
    expect(authenticate('Bearer sk-app')).toEqual({ keyName: 'app', models: ['gpt-*'] });
  });

  it('answers 401 for a missing or wrong key', () => {
    expect(() => authenticate(undefined)).toThrow(expect.objectContaining({ code: 'missing_api_key', status: 401 }));
    expect(() => authenticate('Bearer nope')).toThrow(expect.objectContaining({ code: 'invalid_api_key', status: 401 }));
  });

  it('lets anyone in when no keys are configured', () => {
    expect(createAuthenticator([])(undefined).keyName).toBeUndefined();
  });

  it('answers 403 for a model the key may not use', () => {
    expect(() => { authorizeModel({ keyName: 'app', models: ['gpt-*'] }, 'o3'); }).toThrow(expect.objectContaining({ code: 'model_not_allowed', status: 403 }));
    expect(() => { authorizeModel({ keyName: 'app', models: ['gpt-*'] }, 'gpt-4o'); }).not.toThrow();
  });
});
