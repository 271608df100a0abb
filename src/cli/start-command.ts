// `sluice [start]`: read the config, start Sluice, log the config's warnings, stop cleanly on
// SIGTERM/SIGINT. The process stays up while it serves ('serving').
import { findConfigWarnings, resolveStartupConfig, type CliOptions } from '../config/index.ts';
import { providerTypes, providerTypesNeedingApiKey, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import { createLogger, startSluice } from '../server/start-sluice.ts';
import type { CommandOutcome } from './command-types.ts';
import type { CommandIo } from './replay-command.ts';

export async function runStartCommand(cli: CliOptions, io: CommandIo): Promise<CommandOutcome> {
  const config = resolveStartupConfig(cli, {
    cwd: io.cwd,
    env: io.env,
    channelTypes: providerTypes,
    typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl,
  });
  const logger = createLogger(config);
  for (const warning of findConfigWarnings(config, { typesNeedingApiKey: providerTypesNeedingApiKey })) {
    logger.warn({ config: config.file }, `config: ${warning}`);
  }
  const sluice = await startSluice(config, { logger });
  if (sluice.services.keyAccess.startedKeyless) {
    logger.warn('No client keys configured or stored: serving this machine only (loopback address, loopback Host, no cross-site Origin). Add `keys:` to the config to serve other hosts.');
  }
  logger.info(
    { config: config.file ?? 'embedded default', channels: config.channels.map((channel) => channel.name) },
    `Sluice listening on ${sluice.url}`,
  );
  const stop = (signal: string): void => {
    logger.info(`${signal}: shutting down`);
    sluice.close().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return 'serving';
}
