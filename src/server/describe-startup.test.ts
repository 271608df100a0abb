import { describe, expect, it } from 'vitest';
import { describeStartup, describeStore, type StartupFacts } from './describe-startup.ts';

const facts: StartupFacts = {
  url: 'http://127.0.0.1:8080',
  configFile: 'sluice.yaml',
  store: 'postgres://sluice:pg-password-123@db.internal:5432/sluice',
  redis: 'redis://default:redis-password-456@cache:6379/0',
  channels: [{ name: 'xai', type: 'openai', models: ['grok-2-1212', 'grok-3*'], modelMap: { grok: 'grok-2-1212' } }],
  adminEnabled: false,
  keyless: false,
  consoleBuilt: true,
};

describe('describeStore', () => {
  it('names the kind and the place, never the password', () => {
    expect(describeStore('sqlite:./data/sluice.db')).toEqual({ kind: 'sqlite', location: './data/sluice.db' });
    expect(describeStore(facts.store)).toEqual({ kind: 'postgres', location: 'sluice@db.internal:5432/sluice' });
    expect(describeStore('postgres://%zz:secret@').location).not.toContain('secret');
  });
});

describe('describeStartup', () => {
  it('writes no password of the store or Redis', () => {
    const text = JSON.stringify(describeStartup(facts));
    expect(text).not.toContain('pg-password-123');
    expect(text).not.toContain('redis-password-456');
    expect(text).toContain('shared state: redis default@cache:6379/0');
  });

  it('lists each channel with its models, globs and aliases', () => {
    expect(describeStartup(facts).map((line) => line.message)).toContain('channel xai (openai): grok-2-1212, grok-3*, grok');
  });

  it('says how to turn the admin API on: in the config file when there is one, else with SLUICE_ADMIN_KEY', () => {
    const admin = (changes: Partial<StartupFacts>): string | undefined => describeStartup({ ...facts, ...changes }).find((line) => line.message.startsWith('admin API'))?.message;
    expect(admin({})).toMatch(/^admin API off .*set admin_key in sluice\.yaml/);
    expect(admin({ configFile: undefined })).toMatch(/^admin API off .*start with SLUICE_ADMIN_KEY=/);
    expect(admin({ adminEnabled: true })).toMatch(/^admin API on at http:\/\/127\.0\.0\.1:8080\/admin\/api\//);
  });

  it('warns when keyless and when no channel serves anything, and says how to build a missing console', () => {
    const lines = describeStartup({ ...facts, keyless: true, channels: [], consoleBuilt: false });
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([expect.stringMatching(/^no channels/), expect.stringMatching(/^No client keys configured/)]);
    expect(lines.find((line) => line.message.startsWith('console:'))?.message).toContain('npm run build:web');
  });
});
