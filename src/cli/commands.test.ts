import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliUsage, parseCliArgs } from '../config/index.ts';
import { runCheckConfigCommand } from './check-config-command.ts';
import { commands, findCommand, runHelpCommand } from './commands.ts';

const folder = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function capture(): { io: Parameters<typeof runHelpCommand>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { cwd: folder, env: {}, stdout: (text) => (out += text), stderr: (text) => (err += text) }, out: () => out, err: () => err };
}

describe('the command table', () => {
  it('runs start when no command is named, and finds every command by name', () => {
    expect(findCommand(undefined)?.name).toBe('start');
    for (const command of commands) expect(findCommand(command.name)).toBe(command);
    expect(findCommand('frobnicate')).toBeUndefined();
  });

  it("keeps every command's usage line in cliUsage", () => {
    for (const command of commands) expect(cliUsage).toContain(command.usage);
  });

  it('loads every command it lists', async () => {
    for (const command of commands) expect(typeof (await command.load())).toBe('function');
  });
});

describe('sluice help', () => {
  it('lists every command with its summary', () => {
    const { io, out } = capture();
    expect(runHelpCommand(parseCliArgs(['--help']), io)).toBe(0);
    for (const command of commands) expect(out()).toMatch(new RegExp(`^  ${command.name} +${command.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
  });

  it('prints one command in detail, for `help check-config` and `check-config --help` alike', () => {
    const first = capture();
    const second = capture();
    runHelpCommand(parseCliArgs(['help', 'check-config']), first.io);
    runHelpCommand(parseCliArgs(['check-config', '--help']), second.io);
    expect(first.out()).toMatch(/^usage: sluice check-config \[--config FILE\]\n/);
    expect(second.out()).toBe(first.out());
  });

  it('exits 2 for an unknown command', () => {
    const { io, err } = capture();
    expect(runHelpCommand(parseCliArgs(['help', 'frob']), io)).toBe(2);
    expect(err()).toMatch(/^sluice: unknown command 'frob'\n/);
  });
});

describe('sluice check-config', () => {
  it('prints every error at once and exits 1', () => {
    writeFileSync(join(folder, 'bad.yaml'), 'log_level: loud\nchannels:\n  - { name: a, type: opneai, models: [m], weight: -1 }\n');
    const { io, out } = capture();
    expect(runCheckConfigCommand(parseCliArgs(['check-config', '--config', 'bad.yaml']), io)).toBe(1);
    expect(out().split('\n')).toEqual([
      'error: bad.yaml: channels[0].weight: expected a positive number, got -1',
      'error: bad.yaml: log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'error: bad.yaml: channels[0].type: unknown channel type "opneai"; known types: openai, azure, anthropic, gemini, ollama, echo',
      'bad.yaml: 3 errors; Sluice would not start',
      '',
    ]);
  });

  it('prints the warnings of a config without errors and exits 0', () => {
    writeFileSync(join(folder, 'warn.yaml'), 'channels: [{ name: a, type: anthropic, models: [claude] }]\nfallbacks: { claude: [gpt-4o] }\n');
    const { io, out } = capture();
    expect(runCheckConfigCommand(parseCliArgs(['check-config', '-c', 'warn.yaml']), io)).toBe(0);
    expect(out().split('\n')).toEqual([
      'warning: warn.yaml: channels[0]: channel "a" (type anthropic) has no api_key; its upstream will likely answer 401: set api_key or api_keys',
      'warning: warn.yaml: fallbacks.claude: fallback model "gpt-4o" is served by no channel in the config, so it is never tried',
      'warn.yaml: OK, 1 channel, 0 client keys, 2 warnings',
      '',
    ]);
  });

  it('checks ./sluice.yaml, else the embedded default, like start', () => {
    const { io, out } = capture();
    expect(runCheckConfigCommand(parseCliArgs(['check-config']), io)).toBe(0);
    expect(out()).toBe('the embedded default config: OK, 1 channel, 0 client keys, 0 warnings\n');
  });
});
