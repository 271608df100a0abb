// Command-line flags: `sluice [--config FILE] [--port N] [--host H] [command [args...]]`;
// `--channel NAME` is for the `replay` command; `--from`, `--out` for `import`.
// Flags may come anywhere; `--` ends them. `--help` / `-h` is the `help` command.

import { readWorkerSetting, type WorkerSetting } from './check-workers.ts';
import { ConfigError } from './config-error.ts';

export interface CliOptions {
  config: string | undefined;
  port: number | undefined;
  host: string | undefined;
  /** `replay --channel NAME`: pin the replay to one channel. */
  channel: string | undefined;
  /** `import --from SOURCE` and `--out FILE`. */
  from?: string | undefined;
  out?: string | undefined;
  /** `--workers N|auto`: overrides the config's `workers`. */
  workers: WorkerSetting | undefined;
  command: string | undefined;
  args: string[];
}

/** One line per command (src/cli/commands.ts has each one's summary and details: `sluice help <command>`). */
export const cliUsage = [
  'usage: sluice [start] [--config FILE | -c FILE] [--port N] [--host H] [--workers N|auto]',
  '       sluice check-config [--config FILE]',
  '       sluice replay <request-id> [--channel NAME] [--config FILE]',
  '       sluice import one-api|new-api --from <sqlite file | postgres://… | mysqldump.sql> [--out sluice.yaml] [--config FILE]',
  '       sluice help [command]',
].join('\n');

type ValueFlag = 'config' | 'port' | 'host' | 'channel' | 'from' | 'out' | 'workers';

const valueFlags: Readonly<Record<string, ValueFlag>> = {
  '--config': 'config',
  '-c': 'config',
  '--port': 'port',
  '--host': 'host',
  '--channel': 'channel',
  '--from': 'from',
  '--out': 'out',
  '--workers': 'workers',
};

/** `argv` without the node binary and script, i.e. `process.argv.slice(2)`. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { config: undefined, port: undefined, host: undefined, channel: undefined, workers: undefined, command: undefined, args: [] };
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? '';
    if (word === '--') {
      positional.push(...argv.slice(index + 1));
      break;
    }
    if (word === '--help' || word === '-h') {
      positional.unshift('help');
      continue;
    }
    if (!word.startsWith('-') || word === '-') {
      positional.push(word);
      continue;
    }
    const equals = word.startsWith('--') ? word.indexOf('=') : -1;
    const name = equals === -1 ? word : word.slice(0, equals);
    const flag = valueFlags[name];
    if (flag === undefined) throw createUsageError(`unknown option ${name}`);
    let value: string | undefined;
    if (equals !== -1) {
      value = word.slice(equals + 1);
    } else {
      value = argv[index + 1];
      if (value !== undefined && value.startsWith('-') && value !== '-') value = undefined;
      else index++;
    }
    if (value === undefined || value === '') throw createUsageError(`option ${name} needs a value`);
    setFlag(options, flag, name, value);
  }
  const [command, ...args] = positional;
  options.command = command;
  options.args = args;
  return options;
}

function setFlag(options: CliOptions, flag: ValueFlag, name: string, value: string): void {
  if (flag === 'port') {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65_535) {
      throw createUsageError(`option ${name} expects a port number from 0 to 65535, got "${value}"`);
    }
    options.port = port;
  } else if (flag === 'workers') {
    const workers = readWorkerSetting(value);
    if (workers === undefined) throw createUsageError(`option ${name} expects a positive integer or auto, got "${value}"`);
    options.workers = workers;
  } else {
    options[flag] = value;
  }
}

function createUsageError(problem: string): ConfigError {
  return new ConfigError([problem, cliUsage]);
}
