// The config used when there is no file: loopback, SQLite under ./data, no keys, and a built-in
// `echo` channel so a first `curl` works with no upstream account.

import { resolveConfig } from './resolve-config.ts';
import { configSchema } from './schema.ts';
import type { SluiceConfig } from './sluice-config.ts';

const embeddedDefault = { channels: [{ name: 'echo', type: 'echo', models: ['echo', 'echo-*'] }] };

/** A fresh object each call, so a caller may adjust it (e.g. `--port`) without sharing state. */
export function embeddedDefaultConfig(): SluiceConfig {
  return resolveConfig(configSchema.parse(embeddedDefault), undefined);
}
