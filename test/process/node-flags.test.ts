// bin/node-flags.js: which of Sluice's default V8 flags bin/sluice.js adds when it re-executes itself
// (the process test is test/process/built-server.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyNodeFlags, defaultNodeFlags, missingNodeFlags } from '../../bin/node-flags.js';

describe('missingNodeFlags', () => {
  it('adds the 16 MB young generation to a plain start', () => {
    expect(defaultNodeFlags).toEqual([{ name: 'max-semi-space-size', value: '16' }]);
    expect(missingNodeFlags([], undefined)).toEqual(['--max-semi-space-size=16']);
    expect(missingNodeFlags(['--no-experimental-strip-types', '--max-old-space-size=512'], '--enable-source-maps')).toEqual(['--max-semi-space-size=16']);
  });

  it("keeps the operator's size, however it is spelled and wherever it is given", () => {
    expect(missingNodeFlags(['--max-semi-space-size=64'], undefined)).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size', '64'], undefined)).toEqual([]);
    expect(missingNodeFlags(['--max_semi_space_size=8'], undefined)).toEqual([]);
    expect(missingNodeFlags([], '--enable-source-maps  --max-semi-space-size=32')).toEqual([]);
    expect(missingNodeFlags([], '--max_semi_space_size=32')).toEqual([]);
  });

  it('is not fooled by a flag that only starts the same way', () => {
    expect(missingNodeFlags(['--max-semi-space-size-x=1'], '--max-semi-space')).toEqual(['--max-semi-space-size=16']);
  });
});

describe('applyNodeFlags', () => {
  const execArgv = process.execArgv;
  afterEach(() => {
    process.execArgv = execArgv;
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('re-executes node with the missing flag ahead of its own options and the same script and arguments', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    process.execArgv = ['--no-warnings'];
    vi.stubEnv('NODE_OPTIONS', '');
    applyNodeFlags();
    expect(execve).toHaveBeenCalledWith(process.execPath, [process.execPath, '--max-semi-space-size=16', '--no-warnings', ...process.argv.slice(1)]);
  });

  it('says so in one line and goes on with V8 defaults when the re-execution fails', () => {
    vi.spyOn(process, 'execve').mockImplementation(() => {
      throw new Error('EACCES: permission denied');
    });
    process.execArgv = [];
    vi.stubEnv('NODE_OPTIONS', '');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => {
      applyNodeFlags();
    }).not.toThrow();
    expect(stderr).toHaveBeenCalledWith("sluice: could not restart with --max-semi-space-size=16 (EACCES: permission denied); running with V8's defaults.\n");
  });
});
