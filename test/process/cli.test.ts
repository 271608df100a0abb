// The `sluice` command as a user runs it: the bin on an old Node stops with one line and exit 2
// (before anything that Node cannot parse), and `sluice check-config` prints every problem of a bad
// file at once. Run from src/ (the bin's build of dist/ is built-server.test.ts's subject).
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'sluice-cli-process-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function run(executable: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(executable, args, { cwd: folder, encoding: 'utf8', timeout: 20_000, env: { ...process.env, LOG_LEVEL: 'silent' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A Node older than 24 on this machine (Debian's /usr/bin/node is 20 here), if there is one. */
function findOldNode(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((folder) => join(folder, 'node')), '/usr/bin/node', '/usr/local/bin/node'];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      const major = Number(/^v(\d+)/.exec(execFileSync(candidate, ['--version'], { encoding: 'utf8' }))?.[1]);
      if (major < 24) return candidate;
    } catch {
      // not there, or not runnable
    }
  }
  return undefined;
}

/** `node <script> …args` on an old Node; without one installed, this Node made to report 20.11.1 (the parse-time half then goes untested). */
function runOnOldNode(script: string, args: string[]): ReturnType<typeof run> {
  const oldNode = findOldNode();
  if (oldNode !== undefined) return run(oldNode, [script, ...args]);
  return run(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions, "node", { value: "20.11.1" })', script, ...args]);
}

const oldNodeMessage = /^sluice: needs Node\.js 24 or newer, found v20\.\d+\.\d+ \(.+\); install Node\.js 24 \(https:\/\/nodejs\.org\) and run again\.\n$/;

describe('the sluice bin on a Node older than 24', () => {
  it('prints one line naming the version found and the one needed, and exits 2', () => {
    const result = runOnOldNode(join(repoRoot, 'bin', 'sluice.js'), ['--help']);
    expect([result.status, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(oldNodeMessage);
  });

  it('stops `npm start` the same way before the console build (prestart runs bin/require-node.js)', () => {
    const result = runOnOldNode(join(repoRoot, 'bin', 'require-node.js'), []);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(oldNodeMessage);
  });
});

describe('sluice check-config', () => {
  it('prints every problem of a bad file at once: schema errors, a wrong channel type, a duplicate name, an unset variable', () => {
    writeFileSync(
      join(folder, 'bad.yaml'),
      ['listen: { port: "${SLUICE_TEST_UNSET_PORT}" }', 'log_level: loud', 'channels:', '  - { name: a, type: opneai, models: [m], weight: -1 }', '  - { name: a, type: echo, models: [echo] }', ''].join('\n'),
    );
    const result = run(process.execPath, [join(repoRoot, 'src', 'main.ts'), 'check-config', '--config', 'bad.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'error: bad.yaml: listen.port: environment variable SLUICE_TEST_UNSET_PORT is not set',
      'error: bad.yaml: channels[0].weight: expected a positive number, got -1',
      'error: bad.yaml: log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'error: bad.yaml: channels[1].name: duplicate channel name "a", already used by channels[0]',
      'error: bad.yaml: channels[0].type: unknown channel type "opneai"; known types: openai, azure, anthropic, gemini, ollama, echo',
      'bad.yaml: 5 errors; Sluice would not start',
      '',
    ]);
  });

  it('prints a YAML indentation error as one file:line:col line', () => {
    writeFileSync(join(folder, 'indent.yaml'), 'channels:\n  - name: a\n    type: echo\n      models: [echo]\n');
    const result = run(process.execPath, [join(repoRoot, 'src', 'main.ts'), 'check-config', '--config', 'indent.yaml']);
    expect([result.status, result.stdout]).toEqual([1, 'error: indent.yaml:3:11: Nested mappings are not allowed in compact mappings\nindent.yaml: 1 error; Sluice would not start\n']);
  });

  it('starts no server and exits 0 for a good file, printing its warnings', () => {
    writeFileSync(join(folder, 'good.yaml'), 'channels: [{ name: e, type: echo, models: [echo] }]\nfallbacks: { echo: [gpt-4o] }\n');
    const result = run(process.execPath, [join(repoRoot, 'src', 'main.ts'), 'check-config', '--config', 'good.yaml']);
    expect([result.status, result.stdout]).toEqual([0, 'warning: good.yaml: fallbacks.echo: fallback model "gpt-4o" is served by no channel in the config, so it is never tried\ngood.yaml: OK, 1 channel, 0 client keys, 1 warning\n']);
  });
});
