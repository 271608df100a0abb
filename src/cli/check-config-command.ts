// `sluice check-config [--config FILE]`: the config `sluice start` would read, parsed and checked
// without opening the store or a socket. Prints every error (one report, config/parse-config.ts), or
// the warnings of a config without errors (config/find-config-warnings.ts), then a summary line.
// Exit status: 0 no error (warnings allowed), 1 errors.
import { ConfigError, findConfigWarnings, resolveStartupConfig, type CliOptions, type SluiceConfig } from '../config/index.ts';
import { providerTypes, providerTypesNeedingApiKey, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import type { CommandIo } from './replay-command.ts';

export const checkConfigExit = { ok: 0, errors: 1 } as const;

export function runCheckConfigCommand(cli: CliOptions, io: CommandIo): number {
  if (cli.args.length > 0) {
    io.stderr(`sluice: check-config takes no arguments (the file goes with --config FILE)\n`);
    return checkConfigExit.errors;
  }
  let config: SluiceConfig;
  try {
    config = resolveStartupConfig(cli, { cwd: io.cwd, env: io.env, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stdout(error.problems.map((problem) => `error: ${problem}\n`).join(''));
    io.stdout(`${cli.config ?? 'the config'}: ${countOf(error.problems.length, 'error')}; Sluice would not start\n`);
    return checkConfigExit.errors;
  }
  const source = config.file ?? 'the embedded default config';
  const warnings = findConfigWarnings(config, { typesNeedingApiKey: providerTypesNeedingApiKey });
  io.stdout(warnings.map((warning) => `warning: ${config.file === undefined ? '' : `${config.file}: `}${warning}\n`).join(''));
  io.stdout(`${source}: OK, ${countOf(config.channels.length, 'channel')}, ${countOf(config.keys.length, 'client key')}, ${countOf(warnings.length, 'warning')}\n`);
  return checkConfigExit.ok;
}

function countOf(count: number, thing: string): string {
  return `${count} ${thing}${count === 1 ? '' : 's'}`;
}
