// Composition root: read the command line, run the command it names (src/cli/commands.ts; `start`
// when none), exit with its status unless it keeps serving.
import { findCommand, formatCommandList } from './cli/commands.ts';
import { ConfigError, parseCliArgs, type CliOptions } from './config/index.ts';

/** Exit status of a command line that names no command or option Sluice knows. */
const usageExit = 2;

function readCommandLine(): CliOptions {
  try {
    return parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(error.problems.map((line) => `sluice: ${line}\n`).join(''));
    process.exit(usageExit);
  }
}

async function main(): Promise<void> {
  const cli = readCommandLine();
  const command = findCommand(cli.command);
  if (command === undefined) {
    process.stderr.write(`sluice: unknown command '${cli.command ?? ''}'\n${formatCommandList()}\n`);
    process.exit(usageExit);
  }
  const io = { cwd: process.cwd(), env: process.env, stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
  const outcome = await (await command.load())(cli, io);
  // Exit at once: pooled upstream connections (replay) would otherwise keep the process alive a while.
  if (outcome !== 'serving') process.exit(outcome);
}

main().catch((error: unknown) => {
  // A bad config or listen address stops start-up with a precise message, not a stack trace.
  const lines = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
  process.stderr.write(lines.map((line) => `sluice: ${line}\n`).join(''));
  process.exit(1);
});
