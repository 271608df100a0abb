import { describe, expect, it } from 'vitest';
import { createSecretSealer, isSealed, openChannelEntry, sealChannelEntry } from './seal-channel-secrets.ts';

const entry = { name: 'c', type: 'openai', api_key: 'sk-one', api_keys: ['sk-two'], headers: { 'X-Token': 'tok' }, models: ['m'] };

describe('sealing channel secrets', () => {
  const sealer = createSecretSealer('operator secret');

  it('seals api_key, api_keys and header values, leaves the rest, and opens them back', () => {
    const sealed = sealChannelEntry(entry, 'c', sealer);
    expect(JSON.stringify(sealed)).not.toMatch(/sk-one|sk-two|"tok"/);
    expect(typeof sealed.api_key === 'string' && isSealed(sealed.api_key)).toBe(true);
    expect(sealed.models).toEqual(['m']);
    expect(openChannelEntry(sealed, 'c', sealer)).toEqual(entry);
    // Sealing is idempotent: a sealed value is not sealed twice.
    expect(sealChannelEntry(sealed, 'c', sealer)).toEqual(sealed);
  });

  it('reads values stored in the clear as they are, with or without a key', () => {
    expect(openChannelEntry(entry, 'c', sealer)).toEqual(entry);
    expect(openChannelEntry(entry, 'c', undefined)).toEqual(entry);
  });

  it('refuses to open with another key, under another channel name, or with no key, saying what to set', () => {
    const sealed = sealChannelEntry(entry, 'c', sealer);
    expect(() => openChannelEntry(sealed, 'c', createSecretSealer('another secret'))).toThrow(/sealed with another secret key/);
    expect(() => openChannelEntry(sealed, 'd', sealer)).toThrow(/another secret key/);
    expect(() => openChannelEntry(sealed, 'c', undefined)).toThrow(/none is set: set SLUICE_SECRET_KEY/);
  });
});
