import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/index.ts';
import type * as HashKeyModule from '../store/hash-key.ts';
import { authorizeModel, createKeyAccess, defaultKeyCachePolicy, type Caller } from './authenticate.ts';

async function access() {
  const store = await openStore('sqlite::memory:');
  const { key } = await store.keys.create({ name: 'app', key: 'sk-app-0123456789', models: ['gpt-*'], rpm: 5 });
  const { record: revoked } = await store.keys.create({ name: 'old', key: 'sk-old-0123456789' });
  await store.keys.revoke(revoked.id);
  await store.keys.create({ name: 'late', key: 'sk-late-0123456789', expiresAt: 1 });
  return { store, key, keyAccess: await createKeyAccess(store.keys) };
}

// Every sha256 of a presented key counted (the store's own hashing too), passed through unchanged.
const hashing = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../store/hash-key.ts', async (importOriginal) => {
  const original = await importOriginal<typeof HashKeyModule>();
  return {
    ...original,
    hashKey: (key: string) => {
      hashing.calls += 1;
      return original.hashKey(key);
    },
  };
});

const caller = (models: string[]): Caller => ({ keyId: 'k', keyName: 'app', models, rpm: undefined, tpm: undefined, remainingTokens: undefined, debug: false });

describe('createKeyAccess', () => {
  it('knows a stored key by its hash', async () => {
    const { keyAccess, key, store } = await access();
    expect(await keyAccess.authenticate(`Bearer ${key}`)).toMatchObject({ keyName: 'app', models: ['gpt-*'], rpm: 5 });
    await store.close();
  });

  // A held stream keeps its caller for its life (docs/benchmarks.md "Held stream, round seven").
  it('gives every request of a cached key the same caller, and a fresh one once the key is read again', async () => {
    const { keyAccess, key, store } = await access();
    const first = await keyAccess.authenticate(`Bearer ${key}`);
    expect(await keyAccess.authenticate(`Bearer ${key}`)).toBe(first);
    const { record } = await store.keys.create({ name: 'other', key: 'sk-other-0123456789', rpm: 7 });
    expect(await keyAccess.authenticate('Bearer sk-other-0123456789')).toMatchObject({ keyId: record.id, rpm: 7 });
    keyAccess.invalidate();
    const reread = await keyAccess.authenticate(`Bearer ${key}`);
    expect(reread).not.toBe(first);
    expect(reread).toEqual(first);
    await store.close();
  });

  it('knows a key accepted lately without a promise, and nothing it has not accepted or has forgotten', async () => {
    const { keyAccess, key, store } = await access();
    expect(keyAccess.knownCaller(`Bearer ${key}`)).toBeUndefined();
    const accepted = await keyAccess.authenticate(`Bearer ${key}`);
    expect(keyAccess.knownCaller(`Bearer  ${key} `)).toBe(accepted);
    for (const other of [undefined, 'Bearer nope', 'Bearer sk-old-0123456789', 'Basic abc']) expect(keyAccess.knownCaller(other)).toBeUndefined();
    keyAccess.invalidate();
    expect(keyAccess.knownCaller(`Bearer ${key}`)).toBeUndefined();
    await store.close();
  });

  it('refuses a lately accepted key once it has expired, as authenticate does', async () => {
    const store = await openStore('sqlite::memory:');
    await store.keys.create({ name: 'brief', key: 'sk-brief-0123456789', expiresAt: 10_000 });
    let now = 5_000;
    const keyAccess = await createKeyAccess(store.keys, () => now, { ...defaultKeyCachePolicy, hitTtlMs: 60_000 });
    await keyAccess.authenticate('Bearer sk-brief-0123456789');
    expect(keyAccess.knownCaller('Bearer sk-brief-0123456789')).toMatchObject({ keyName: 'brief' });
    now = 10_000;
    expect(() => keyAccess.knownCaller('Bearer sk-brief-0123456789')).toThrow(/expired/);
    await expect(keyAccess.authenticate('Bearer sk-brief-0123456789')).rejects.toThrow(/expired/);
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

  it('never opens once it started with keys, even after the last one is deleted', async () => {
    const { keyAccess, store } = await access();
    for (const record of await store.keys.list()) await store.keys.delete(record.id);
    await keyAccess.refresh();
    expect([keyAccess.startedKeyless, keyAccess.isOpen()]).toEqual([false, false]);
    await expect(keyAccess.authenticate(undefined)).rejects.toMatchObject({ code: 'missing_api_key', status: 401 });
    await store.close();
  });

  it('closes for good when a key is created after a keyless start', async () => {
    const store = await openStore('sqlite::memory:');
    const keyAccess = await createKeyAccess(store.keys);
    const { record } = await store.keys.create({ name: 'first', key: 'sk-first-0123456789' });
    await keyAccess.refresh();
    await expect(keyAccess.authenticate(undefined)).rejects.toMatchObject({ code: 'missing_api_key' });
    await store.keys.delete(record.id);
    await keyAccess.refresh();
    expect([keyAccess.startedKeyless, keyAccess.isOpen()]).toEqual([true, false]);
    await expect(keyAccess.authenticate(undefined)).rejects.toMatchObject({ status: 401 });
    await store.close();
  });

  it('keeps its cache at its bound under 10,000 random wrong keys, and still knows a good one', async () => {
    const { keyAccess, key, store } = await access();
    for (let index = 0; index < 10_000; index += 1) {
      await expect(keyAccess.authenticate(`Bearer sk-${randomBytes(12).toString('hex')}`)).rejects.toMatchObject({ code: 'invalid_api_key' });
    }
    expect(keyAccess.cachedEntries()).toBeLessThanOrEqual(defaultKeyCachePolicy.maxEntries);
    const small = await createKeyAccess(store.keys, Date.now, { ...defaultKeyCachePolicy, maxEntries: 50 });
    for (let index = 0; index < 500; index += 1) await small.authenticate(`Bearer sk-${randomBytes(12).toString('hex')}`).catch(() => undefined);
    expect(small.cachedEntries()).toBe(50);
    expect((await small.authenticate(`Bearer ${key}`)).keyName).toBe('app');
    await store.close();
  });

  it('forgets an unknown key sooner than a known one', async () => {
    let now = 1_000_000;
    const store = await openStore('sqlite::memory:');
    await store.keys.create({ name: 'app', key: 'sk-app-0123456789' });
    const keyAccess = await createKeyAccess(store.keys, () => now, { maxEntries: 10, hitTtlMs: 10_000, missTtlMs: 100, maxHashedKeys: 10 });
    await expect(keyAccess.authenticate('Bearer sk-later-0123456789')).rejects.toMatchObject({ code: 'invalid_api_key' });
    // Created behind the cache's back (another instance): seen once the miss has expired.
    await store.keys.create({ name: 'later', key: 'sk-later-0123456789' });
    await expect(keyAccess.authenticate('Bearer sk-later-0123456789')).rejects.toMatchObject({ code: 'invalid_api_key' });
    now += 100;
    expect((await keyAccess.authenticate('Bearer sk-later-0123456789')).keyName).toBe('later');
    await store.close();
  });
});

describe('the hashes of accepted keys', () => {
  async function counted(policy = defaultKeyCachePolicy) {
    const store = await openStore('sqlite::memory:');
    const { key, record } = await store.keys.create({ name: 'app', key: 'sk-app-0123456789' });
    return { store, key, record, keyAccess: await createKeyAccess(store.keys, Date.now, policy) };
  }

  it('hashes an accepted key once, and still refuses it on the next request once it is revoked', async () => {
    const { store, key, record, keyAccess } = await counted();
    hashing.calls = 0;
    for (let index = 0; index < 5; index += 1) expect((await keyAccess.authenticate(`Bearer ${key}`)).keyName).toBe('app');
    expect([hashing.calls, keyAccess.hashedKeys()]).toEqual([1, 1]);
    await store.keys.revoke(record.id);
    await keyAccess.refresh();
    await expect(keyAccess.authenticate(`Bearer ${key}`)).rejects.toThrow(/revoked/);
    await expect(keyAccess.authenticate(`Bearer ${key}`)).rejects.toThrow(/revoked/);
    expect(keyAccess.hashedKeys()).toBe(0);
    await store.close();
  });

  it('finds the record again through the remembered hash once its cached record expired', async () => {
    let now = 1_000_000;
    const store = await openStore('sqlite::memory:');
    const { key, record } = await store.keys.create({ name: 'app', key: 'sk-app-0123456789' });
    const keyAccess = await createKeyAccess(store.keys, () => now, { maxEntries: 10, hitTtlMs: 100, missTtlMs: 100, maxHashedKeys: 10 });
    expect((await keyAccess.authenticate(`Bearer ${key}`)).keyName).toBe('app');
    await store.keys.update(record.id, { enabled: false });
    now += 99;
    expect((await keyAccess.authenticate(`Bearer ${key}`)).keyName).toBe('app');
    now += 1;
    await expect(keyAccess.authenticate(`Bearer ${key}`)).rejects.toThrow(/revoked/);
    await store.close();
  });

  it('holds no wrong key, and at most maxHashedKeys accepted ones', async () => {
    const { store, keyAccess } = await counted({ ...defaultKeyCachePolicy, maxHashedKeys: 5 });
    for (let index = 0; index < 200; index += 1) await keyAccess.authenticate(`Bearer sk-${randomBytes(12).toString('hex')}`).catch(() => undefined);
    expect(keyAccess.hashedKeys()).toBe(0);
    const created = [];
    for (let index = 0; index < 8; index += 1) created.push((await store.keys.create({ name: `k${String(index)}`, key: `sk-k${String(index)}-0123456789` })).key);
    for (const key of created) await keyAccess.authenticate(`Bearer ${key}`);
    expect(keyAccess.hashedKeys()).toBe(5);
    expect((await keyAccess.authenticate(`Bearer ${created[0] ?? ''}`)).keyName).toBe('k0');
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
