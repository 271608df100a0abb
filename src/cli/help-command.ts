// `sluice help [command]` (and `--help` / `-h` anywhere): the command list, or one command in detail.
import type { CliOptions } from '../config/index.ts';
import { commands, findCommand } from './commands.ts';
import type { CommandIo } from './replay-command.ts';

export function formatCommandList(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return ['usage: sluice <command> [options]   (no command: start)', '', 'commands:', ...lines, '', 'sluice help <command> for one command; docs/cli.md for all.'].join('\n');
}

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
