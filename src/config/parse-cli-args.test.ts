import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { cliUsage, parseCliArgs } from './parse-cli-args.ts';

function errorOf(argv: string[]): ConfigError {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseCliArgs', () => {
  it('returns nothing set for no arguments', () => {
    expect(parseCliArgs([])).toEqual({ config: undefined, port: undefined, host: undefined, channel: undefined, workers: undefined, command: undefined, args: [] });
  });

  it('reads --config FILE, --port N and --host H', () => {
    expect(parseCliArgs(['--config', 'a.yaml', '--port', '9000', '--host', '0.0.0.0'])).toMatchObject({
      config: 'a.yaml',
      port: 9000,
      host: '0.0.0.0',
    });
  });

  it('reads the --flag=value and -c FILE forms', () => {
    expect(parseCliArgs(['--config=b.yaml', '--port=0']).config).toBe('b.yaml');
    expect(parseCliArgs(['--port=0']).port).toBe(0);
    expect(parseCliArgs(['-c', 'c.yaml']).config).toBe('c.yaml');
  });

  it('puts the first positional word in command and the rest in args', () => {
    expect(parseCliArgs(['keys', '--port', '1', 'list', 'x'])).toMatchObject({ command: 'keys', args: ['list', 'x'], port: 1 });
  });

  it('reads --channel for the replay command', () => {
    expect(parseCliArgs(['replay', 'req_1', '--channel', 'xai', '-c', 'a.yaml'])).toMatchObject({ command: 'replay', args: ['req_1'], channel: 'xai', config: 'a.yaml' });
  });

  it('passes everything after -- through as positional words', () => {
    expect(parseCliArgs(['run', '--', '--port', '-x'])).toMatchObject({ command: 'run', args: ['--port', '-x'] });
  });

  it('treats --help as the help command', () => {
    expect(parseCliArgs(['--help']).command).toBe('help');
  });

  it('rejects an unknown flag with a usage line', () => {
    const error = errorOf(['--prot', '80']);
    expect(error.problems).toEqual(['unknown option --prot', cliUsage]);
  });

  it('rejects a flag without its value', () => {
    expect(errorOf(['--config']).problems[0]).toBe('option --config needs a value');
    expect(errorOf(['--config', '--port', '1']).problems[0]).toBe('option --config needs a value');
    expect(errorOf(['--host=']).problems[0]).toBe('option --host needs a value');
  });

  it('rejects a port that is not a number from 0 to 65535', () => {
    expect(errorOf(['--port', 'http']).problems[0]).toBe('option --port expects a port number from 0 to 65535, got "http"');
    expect(errorOf(['--port', '70000']).problems[0]).toMatch(/got "70000"$/);
  });
});
