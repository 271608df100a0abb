// Composition root: read the CLI and config, start Sluice, stop cleanly on SIGTERM/SIGINT.
import { runImportCommand } from './cli/import-command.ts';
import { runReplayCommand } from './cli/replay-command.ts';
import { cliUsage, ConfigError, parseCliArgs, resolveStartupConfig } from './config/index.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from './providers/registry.ts';
import { isWorkersPrimary, runWorkers } from './server/run-workers.ts';
import { createLogger, startSluice, writeStartupBanner } from './server/start-sluice.ts';

async function main(): Promise<void> {
  const cli = parseCliArgs(process.argv.slice(2));
  if (cli.command === 'help') {
    process.stdout.write(`${cliUsage}\n`);
    return;
  }
  if (cli.command === 'replay') {
    const io = { cwd: process.cwd(), env: process.env, stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
    // Exit at once: pooled upstream connections would otherwise keep the process alive a while.
    process.exit(await runReplayCommand(cli, io));
  }
  if (cli.command === 'import') process.exit(await runImportCommand(cli, { cwd: process.cwd(), env: process.env, stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) }));
  if (cli.command !== undefined) throw new ConfigError([`unknown command '${cli.command}'`, cliUsage]);
  const config = resolveStartupConfig(cli, {
    cwd: process.cwd(),
    env: process.env,
    channelTypes: providerTypes,
    typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl,
  });
  const logger = createLogger(config);
  // `workers: N`: this process forks N Sluice processes and looks after them (run-workers.ts).
  if (isWorkersPrimary(config)) process.exit(await runWorkers(config, logger));
  const sluice = await startSluice(config, { logger });
  writeStartupBanner(logger, sluice, config);
  // Once: a worker gets the terminal's SIGINT and the one its primary forwards.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  // A bad config or listen address stops start-up with a precise message, not a stack trace.
  const lines = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
  process.stderr.write(lines.map((line) => `sluice: ${line}\n`).join(''));
  process.exit(1);
});
