// Composition root: read the command line, run the command it names (src/cli/commands.ts; `start`
// when none), exit with its status unless it keeps serving.
import { formatCommandList } from './cli/help-command.ts';
import { findCommand } from './cli/commands.ts';
import { ConfigError, parseCliArgs } from './config/index.ts';

async function main(): Promise<void> {
  const cli = parseCliArgs(process.argv.slice(2));
  const command = findCommand(cli.command);
  if (command === undefined) {
    process.stderr.write(`sluice: unknown command '${cli.command ?? ''}'\n${formatCommandList()}\n`);
    process.exit(2);
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
