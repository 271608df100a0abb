// The `sluice` commands: one entry each, loaded only when run, so `sluice --help` or `sluice
// check-config` never loads the server, the store or the relay. Adding a command is a file in this
// folder exporting `run<Name>Command(cli, io)` and one entry here (its usage line also goes into
// `cliUsage`, src/config/parse-cli-args.ts; a test keeps the two in step).
import type { CliOptions } from '../config/index.ts';
import type { Command } from './command-types.ts';
import type { CommandIo } from './replay-command.ts';

/** The command run when none is named (`sluice`, `npm start`). */
export const defaultCommandName = 'start';

export const commands: readonly Command[] = [
  {
    name: 'start',
    usage: 'sluice [start] [--config FILE | -c FILE] [--port N] [--host H] [--workers N|auto]',
    summary: 'serve the gateway (the default command)',
    details: [
      'Config: --config FILE, else ./sluice.yaml when it exists, else the embedded default (an echo channel, loopback only).',
      '--port and --host override the config\'s listen, --workers N|auto its workers (more than 1 needs redis; docs/deploy.md "Workers").',
      'Config warnings are logged at start; a bad config stops it (exit 1).',
      'Stops cleanly on SIGTERM or SIGINT. docs/cli.md, docs/configuration.md.',
    ].join('\n'),
    load: async () => (await import('./start-command.ts')).runStartCommand,
  },
  {
    name: 'check-config',
    usage: 'sluice check-config [--config FILE]',
    summary: 'check a config without starting: every error and warning at once',
    details: [
      'Reads the config the way `sluice start` would (--config FILE, else ./sluice.yaml, else the embedded default),',
      'prints every error, then the warnings of a config that has no error, and a summary line.',
      'Exit status: 0 no error (warnings allowed), 1 errors. Opens no store and no socket.',
    ].join('\n'),
    load: async () => (await import('./check-config-command.ts')).runCheckConfigCommand,
  },
  {
    name: 'replay',
    usage: 'sluice replay <request-id> [--channel NAME] [--config FILE]',
    summary: 'send a logged, captured request again and compare the outcome',
    details: [
      "Opens the config's store, finds the request, replays its capture through the relay in-process and prints the comparison.",
      '--channel NAME pins the replay to one channel. Exit status: 0 same outcome, 1 different, 2 could not replay. docs/admin-api.md.',
    ].join('\n'),
    load: async () => (await import('./replay-command.ts')).runReplayCommand,
  },
  {
    name: 'import',
    usage: 'sluice import one-api|new-api --from <sqlite file | postgres://… | mysqldump.sql> [--out sluice.yaml] [--config FILE]',
    summary: 'bring channels and tokens over from one-api or new-api',
    details: [
      'Reads their channels and tokens tables, writes a Sluice config (--out, never overwritten, mode 0600) and the tokens as client keys',
      "into the store of --config's file, and reports what it could not map. A mysql:// URL is refused with the mysqldump command to run.",
      'Exit status: 0 imported, 2 nothing imported. docs/migration.md.',
    ].join('\n'),
    load: async () => (await import('./import-command.ts')).runImportCommand,
  },
  {
    name: 'help',
    usage: 'sluice help [command]',
    summary: 'this list, or one command in detail (also --help, -h)',
    details: '`sluice help check-config` and `sluice check-config --help` print the same.',
    load: () => Promise.resolve(runHelpCommand),
  },
];

export function findCommand(name: string | undefined): Command | undefined {
  return commands.find((command) => command.name === (name ?? defaultCommandName));
}

export function formatCommandList(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return ['usage: sluice <command> [options]   (no command: start)', '', 'commands:', ...lines, '', 'sluice help <command> for one command; docs/cli.md for all.'].join('\n');
}

/** `sluice help [command]` (and `--help` / `-h` anywhere): the command list, or one command in detail. */
export function runHelpCommand(cli: CliOptions, io: CommandIo): number {
  const [name] = cli.args;
  if (name === undefined) {
    io.stdout(`${formatCommandList()}\n`);
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) {
    io.stderr(`sluice: unknown command '${name}'\n${formatCommandList()}\n`);
    return 2;
  }
  io.stdout(`usage: ${command.usage}\n\n${command.summary}.\n${command.details}\n`);
  return 0;
}
