// What a `sluice` command is (the table: commands.ts).
import type { CliOptions } from '../config/index.ts';
import type { CommandIo } from './replay-command.ts';

/** An exit status, or 'serving': the command started something that keeps the process alive. */
export type CommandOutcome = number | 'serving';
export type RunCommand = (cli: CliOptions, io: CommandIo) => CommandOutcome | Promise<CommandOutcome>;

export interface Command {
  name: string;
  /** The synopsis, as in `cliUsage`. */
  usage: string;
  summary: string;
  /** What `sluice help <command>` adds: options, exit statuses, where to read more. */
  details: string;
  /** Loads the command's module (only when it runs). */
  load: () => Promise<RunCommand>;
}
