// `sluice [start]`: read the config, start Sluice (or its workers), log the config's warnings and the
// start-up banner, stop cleanly on SIGTERM/SIGINT. The process stays up while it serves ('serving').
import { findConfigWarnings, resolveStartupConfig, type CliOptions } from '../config/index.ts';
import { compactHeap } from '../lib/compact-heap.ts';
import { providerTypes, providerTypesNeedingApiKey, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import { isWorkersPrimary, runWorkers } from '../server/run-workers.ts';
import { createLogger, startSluice, writeStartupBanner } from '../server/start-sluice.ts';
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
  // `workers: N`: this process forks N Sluice processes and looks after them (run-workers.ts).
  if (isWorkersPrimary(config)) return runWorkers(config, logger);
  // Signals are taken from the first moment: a worker told to stop while it starts (its primary
  // stopping, a restart racing a SIGTERM) stops cleanly once started, instead of dying unflushed.
  // Once: a worker gets the terminal's SIGINT and the one its primary forwards.
  // What start-up allocated is collected before the first request, not kept at rest (lib/compact-heap.ts).
  const started = startSluice(config, { logger, beforeListen: compactHeap });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    started.then((sluice) => sluice.close()).then(
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const sluice = await started;
  if (!stopping) writeStartupBanner(logger, sluice, config);
  return 'serving';
}
