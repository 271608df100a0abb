// Which config Sluice starts with: `--config FILE`, else ./sluice.yaml if it exists, else the
// embedded default (with SLUICE_ADMIN_KEY as its admin_key when set); then `--port` / `--host` override `listen`,
// `--workers` the `workers`.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeWorkersProblem } from './check-workers.ts';
import { ConfigError } from './config-error.ts';
import { defaultConfigFileName } from './defaults.ts';
import { embeddedDefaultConfig } from './embedded-default.ts';
import type { ParseConfigOptions } from './parse-config.ts';
import { parseConfig, readConfigText } from './parse-config.ts';
import type { CliOptions } from './parse-cli-args.ts';
import type { SluiceConfig } from './sluice-config.ts';

export interface StartupOptions extends ParseConfigOptions {
  /** Relative `--config` paths and ./sluice.yaml are looked up here. */
  cwd: string;
}

export function resolveStartupConfig(cli: CliOptions, options: StartupOptions): SluiceConfig {
  const config = loadStartupConfig(cli.config, options);
  if (cli.port !== undefined) config.listen.port = cli.port;
  if (cli.host !== undefined) config.listen.host = cli.host;
  if (cli.workers !== undefined) {
    const problem = describeWorkersProblem(cli.workers, config.redis !== undefined);
    if (problem !== undefined) throw new ConfigError([`--workers ${String(cli.workers)}: ${problem}`]);
    config.workers = cli.workers;
  }
  return config;
}

function loadStartupConfig(configFlag: string | undefined, options: StartupOptions): SluiceConfig {
  const parseOptions: ParseConfigOptions = { env: options.env };
  if (options.channelTypes !== undefined) parseOptions.channelTypes = options.channelTypes;
  if (options.typesNeedingBaseUrl !== undefined) parseOptions.typesNeedingBaseUrl = options.typesNeedingBaseUrl;
  // Errors name the file as the operator wrote it; the read goes through the resolved path.
  if (configFlag !== undefined) {
    const text = readConfigText(resolve(options.cwd, configFlag));
    return parseConfig(text, { ...parseOptions, file: configFlag });
  }
  const defaultPath = join(options.cwd, defaultConfigFileName);
  if (existsSync(defaultPath)) {
    return parseConfig(readConfigText(defaultPath), { ...parseOptions, file: defaultConfigFileName });
  }
  return embeddedDefaultConfig(options.env);
}
