// The key that seals API channels' secrets at rest (store/seal-channel-secrets.ts): SLUICE_SECRET_KEY,
// or the first line of the config's `secret_key_file`. Neither set: secrets are stored as given, and
// start-up says so when the admin API (the only way to store a channel) is on.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/index.ts';
import { createSecretSealer, type SecretSealer } from '../store/index.ts';

export const secretKeyVariable = 'SLUICE_SECRET_KEY';

function readKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`secret_key_file: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const key = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (key === '') throw new Error(`secret_key_file: ${path} is empty; put the key on its first line`);
  return key;
}

export function readSecretKey(config: Pick<SluiceConfig, 'secretKeyFile'>, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const fromEnv = env[secretKeyVariable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return config.secretKeyFile === undefined ? undefined : readKeyFile(config.secretKeyFile);
}

export function createSealer(config: Pick<SluiceConfig, 'secretKeyFile' | 'adminKey'>, env: Readonly<Record<string, string | undefined>>, logger: Logger): SecretSealer | undefined {
  const key = readSecretKey(config, env);
  if (key !== undefined) return createSecretSealer(key);
  if (config.adminKey !== undefined) {
    logger.warn(`${secretKeyVariable} is not set (nor secret_key_file): upstream keys and header values of channels created through the admin API are stored in the clear in the store.`);
  }
  return undefined;
}
