import { describe, expect, it } from 'vitest';
import { openStore } from '../store/index.ts';
import { authorizeModel, createKeyAccess, type Caller } from './authenticate.ts';

async function access() {
  const store = await openStore('sqlite::memory:');
  const { key } = await store.keys.create({ name: 'app', key: 'sk-app-0123456789', models: ['gpt-*'], rpm: 5 });
  const { record: revoked } = await store.keys.create({ name: 'old', key: 'sk-old-0123456789' });
  await store.keys.revoke(revoked.id);
  await store.keys.create({ name: 'late', key: 'sk-late-0123456789', expiresAt: 1 });
  return { store, key, keyAccess: await createKeyAccess(store.keys) };
}

const caller = (models: string[]): Caller => ({ keyId: 'k', keyName: 'app', models, rpm: undefined, tpm: undefined, remainingTokens: undefined, debug: false });

describe('createKeyAccess', () => {
  it('knows a stored key by its hash', async () => {
    const { keyAccess, key, store } = await access();
    expect(await keyAccess.authenticate(`Bearer ${key}`)).toMatchObject({ keyName: 'app', models: ['gpt-*'], rpm: 5 });
    await store.close();
  });

  it('answers 401 for a missing, wrong, revoked or expired key', async () => {
    const { keyAccess, store } = await access();
    await expect(keyAccess.authenticate(undefined)).rejects.toMatchObject({ code: 'missing_api_key', status: 401 });
    await expect(keyAccess.authenticate('Bearer nope')).rejects.toMatchObject({ code: 'invalid_api_key', status: 401 });
    await expect(keyAccess.authenticate('Bearer sk-old-0123456789')).rejects.toThrow(/revoked/);
    await expect(keyAccess.authenticate('Bearer sk-late-0123456789')).rejects.toThrow(/expired/);
    await store.close();
  });

  it('lets anyone in when no key is stored', async () => {
    const store = await openStore('sqlite::memory:');
    expect((await (await createKeyAccess(store.keys)).authenticate(undefined)).keyName).toBeUndefined();
    await store.close();
  });
});

describe('authorizeModel', () => {
  it('answers 403 for a model the key may not use', () => {
    expect(() => {
      authorizeModel(caller(['gpt-*']), 'o3');
    }).toThrow(expect.objectContaining({ code: 'model_not_allowed', status: 403 }));
    expect(() => {
      authorizeModel(caller(['gpt-*']), 'gpt-4o');
    }).not.toThrow();
  });
});
