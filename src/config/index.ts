// config/: the YAML config schema and loader. Imports only core/ and lib/.

export type { ClientKey, RedisSettings, SluiceConfig } from './sluice-config.ts';
export { maskRedisUrl, redisNeedsPostgres } from './check-redis-url.ts';
export { ConfigError } from './config-error.ts';
export { parseConfig, loadConfigFile } from './parse-config.ts';
export type { ParseConfigOptions } from './parse-config.ts';
export type { Environment } from './interpolate-env.ts';
export { embeddedDefaultConfig } from './embedded-default.ts';
export { parseCliArgs, cliUsage } from './parse-cli-args.ts';
export type { CliOptions } from './parse-cli-args.ts';
export { resolveStartupConfig } from './resolve-startup-config.ts';
export type { StartupOptions } from './resolve-startup-config.ts';
export {
  defaultBodyBytes,
  defaultBreakerPolicy,
  defaultKeepaliveMs,
  defaultListen,
  defaultLogLevel,
  defaultRetryPolicy,
  defaultStore,
  defaultTimeoutPolicy,
} from './defaults.ts';
export { parseChannelEntry } from './parse-channel-entry.ts';
export type { ChannelEntryOptions } from './parse-channel-entry.ts';
export type { Policies } from './resolve-config.ts';
export { findConfigWarnings } from './find-config-warnings.ts';
export type { WarningOptions } from './find-config-warnings.ts';
