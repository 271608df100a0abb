// Channel secrets at rest: a channel created through the admin API is stored as its config entry,
// api keys and header values included. With a secret key (SLUICE_SECRET_KEY, or `secret_key_file`)
// those values are sealed with AES-256-GCM (node:crypto) before they reach the database, and opened
// when read; the rest of Sluice only ever sees them open. A value stored in the clear (before a key
// was set) still reads, and is sealed at its channel's next change.
// AES-GCM: NIST SP 800-38D; scrypt: RFC 7914.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { ChannelStore, JsonValue, StoredChannel } from './ports.ts';

type ChannelEntry = { [key: string]: JsonValue };

/** Marks a sealed value: `sealed:v1:` + base64url(iv ‖ tag ‖ ciphertext). */
const sealedPrefix = 'sealed:v1:';
const ivBytes = 12;
const tagBytes = 16;
/** A fixed salt: the key must derive the same on every start without storing anything beside it. */
const keySalt = 'sluice channel secrets v1';

export interface SecretSealer {
  seal(value: string, channel: string): string;
  /** Throws when the value was sealed with another key, or altered. */
  open(value: string, channel: string): string;
}

export function isSealed(value: string): boolean {
  return value.startsWith(sealedPrefix);
}

/** A sealer over a key derived with scrypt from the operator's secret (any length, any text). */
export function createSecretSealer(secret: string): SecretSealer {
  const key = scryptSync(secret, keySalt, 32);
  return {
    seal(value, channel) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The channel name is bound in: a sealed value copied into another channel's row does not open.
      cipher.setAAD(Buffer.from(channel, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return `${sealedPrefix}${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
    },
    open(value, channel) {
      const bytes = Buffer.from(value.slice(sealedPrefix.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(channel, 'utf8'));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
    },
  };
}

/** `api_key`, each of `api_keys`, and each `headers` value: the parts of an entry that authenticate. */
function mapSecrets(entry: ChannelEntry, change: (value: string) => string): ChannelEntry {
  const mapped: ChannelEntry = { ...entry };
  const { api_key: apiKey, api_keys: apiKeys, headers } = entry;
  if (typeof apiKey === 'string') mapped.api_key = change(apiKey);
  if (Array.isArray(apiKeys)) mapped.api_keys = apiKeys.map((value) => (typeof value === 'string' ? change(value) : value));
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    mapped.headers = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? change(value) : value]));
  }
  return mapped;
}

export function sealChannelEntry(entry: ChannelEntry, channel: string, sealer: SecretSealer): ChannelEntry {
  return mapSecrets(entry, (value) => (isSealed(value) ? value : sealer.seal(value, channel)));
}

export function openChannelEntry(entry: ChannelEntry, channel: string, sealer: SecretSealer | undefined): ChannelEntry {
  return mapSecrets(entry, (value) => {
    if (!isSealed(value)) return value;
    if (sealer === undefined) {
      throw new Error(`The stored channel '${channel}' holds secrets sealed with a secret key, and none is set: set SLUICE_SECRET_KEY (or secret_key_file) to the key it was stored with.`);
    }
    try {
      return sealer.open(value, channel);
    } catch {
      throw new Error(`The stored channel '${channel}' holds secrets sealed with another secret key: set SLUICE_SECRET_KEY (or secret_key_file) to the key it was stored with.`);
    }
  });
}

/**
 * The channel store with secrets sealed on the way in (when there is a sealer) and opened on the way
 * out. Without a sealer, values are stored as given, and reading a sealed one fails naming the fix.
 */
export function sealChannelSecrets(store: ChannelStore, sealer: SecretSealer | undefined): ChannelStore {
  const open = (stored: StoredChannel): StoredChannel => ({ ...stored, config: openChannelEntry(stored.config, stored.name, sealer) });
  const seal = (entry: ChannelEntry, name: string): ChannelEntry => (sealer === undefined ? entry : sealChannelEntry(entry, name, sealer));
  return {
    async create(channel) {
      return open(await store.create({ ...channel, config: seal(channel.config, channel.name) }));
    },
    async get(name) {
      const stored = await store.get(name);
      return stored === undefined ? undefined : open(stored);
    },
    async list() {
      return (await store.list()).map(open);
    },
    async update(name, changes) {
      const updated = await store.update(name, changes.config === undefined ? changes : { ...changes, config: seal(changes.config, name) });
      return updated === undefined ? undefined : open(updated);
    },
    delete: (name) => store.delete(name),
  };
}
