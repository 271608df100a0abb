import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { embeddedDefaultConfig } from './embedded-default.ts';
import { loadConfigFile } from './parse-config.ts';
import { parseCliArgs } from './parse-cli-args.ts';
import { resolveStartupConfig } from './resolve-startup-config.ts';

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'sluice-config-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const fileConfig = 'listen: { port: 7000 }\nchannels: [{ name: file, type: openai, models: [m], api_key: "${KEY}" }]\n';

describe('loadConfigFile', () => {
  it('reads and parses a file', () => {
    const path = join(directory, 'sluice.yaml');
    writeFileSync(path, fileConfig);
    const config = loadConfigFile(path, { env: { KEY: 'k' } });
    expect(config.file).toBe(path);
    expect(config.channels[0]?.apiKeys).toEqual(['k']);
  });

  it('names a missing file in its error', () => {
    const path = join(directory, 'nope.yaml');
    expect(() => loadConfigFile(path, { env: {} })).toThrow(new ConfigError([`${path}: file not found`]));
  });
});

describe('resolveStartupConfig', () => {
  it('uses the embedded default when there is no --config and no ./sluice.yaml', () => {
    expect(resolveStartupConfig(parseCliArgs([]), { cwd: directory, env: {} })).toEqual(embeddedDefaultConfig());
  });

  it('gives the embedded default the admin key in SLUICE_ADMIN_KEY (issue 16: the console without a config)', () => {
    const adminKey = 'admin-key-from-the-environment-0123';
    expect(resolveStartupConfig(parseCliArgs([]), { cwd: directory, env: { SLUICE_ADMIN_KEY: adminKey } }).adminKey).toBe(adminKey);
  });

  it('uses ./sluice.yaml from the working directory when it exists', () => {
    writeFileSync(join(directory, 'sluice.yaml'), fileConfig);
    const config = resolveStartupConfig(parseCliArgs([]), { cwd: directory, env: { KEY: 'k' } });
    expect(config.file).toBe('sluice.yaml');
    expect(config.channels[0]?.name).toBe('file');
  });

  it('reads --config relative to the working directory and names it as given in errors', () => {
    writeFileSync(join(directory, 'other.yaml'), fileConfig);
    const cli = parseCliArgs(['--config', 'other.yaml']);
    expect(resolveStartupConfig(cli, { cwd: directory, env: { KEY: 'k' } }).listen.port).toBe(7000);
    expect(() => resolveStartupConfig(cli, { cwd: directory, env: {} })).toThrow(
      'other.yaml: channels[0].api_key: environment variable KEY is not set',
    );
  });

  it('lets --port and --host override listen', () => {
    writeFileSync(join(directory, 'sluice.yaml'), fileConfig);
    const cli = parseCliArgs(['--port', '0', '--host', '::1']);
    expect(resolveStartupConfig(cli, { cwd: directory, env: { KEY: 'k' } }).listen).toEqual({ host: '::1', port: 0 });
  });

  it('checks channel types when given', () => {
    writeFileSync(join(directory, 'sluice.yaml'), fileConfig);
    expect(() => resolveStartupConfig(parseCliArgs([]), { cwd: directory, env: { KEY: 'k' }, channelTypes: ['echo'] })).toThrow(
      'sluice.yaml: channels[0].type: unknown channel type "openai"; known types: echo',
    );
  });

  it('requires base_url for the channel types given as having no default', () => {
    writeFileSync(join(directory, 'sluice.yaml'), 'channels: [{ name: az, type: azure, models: [o3-mini] }]');
    expect(() => resolveStartupConfig(parseCliArgs([]), { cwd: directory, env: {}, typesNeedingBaseUrl: ['azure'] })).toThrow(
      'sluice.yaml: channels[0].base_url: required for channel type "azure", which has no default address',
    );
  });
});
