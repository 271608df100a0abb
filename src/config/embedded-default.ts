// The config used when there is no file: loopback, SQLite under ./data, no keys, and a built-in
// `echo` channel so a first `curl` works with no upstream account. SLUICE_ADMIN_KEY, when set, turns
// the admin API (and so the console) on without writing a config first.

import { checkConfig } from './check-config.ts';
import { ConfigError } from './config-error.ts';
import { resolveConfig } from './resolve-config.ts';
import { configSchemas } from './schema.ts';
import type { SluiceConfig } from './sluice-config.ts';

/** The environment variable that gives the embedded default its `admin_key`. */
export const adminKeyVariable = 'SLUICE_ADMIN_KEY';

const embeddedDefault = { channels: [{ name: 'echo', type: 'echo', models: ['echo', 'echo-*'] }] };

/**
 * A fresh object each call, so a caller may adjust it (e.g. `--port`) without sharing state. A
 * SLUICE_ADMIN_KEY too short to be safe stops start-up as a short `admin_key` in a file would.
 */
export function embeddedDefaultConfig(env: Readonly<Record<string, string | undefined>> = {}): SluiceConfig {
  const adminKey = env[adminKeyVariable]?.trim();
  const raw = configSchemas().config.parse(adminKey === undefined || adminKey === '' ? embeddedDefault : { ...embeddedDefault, admin_key: adminKey });
  const problems = checkConfig(raw, {});
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${adminKeyVariable} (no config file, so the embedded default): ${problem.replace(/^admin_key: /, '')}`));
  return resolveConfig(raw, undefined);
}
