// bin/node-flags.js: which of Sluice's default V8 flags bin/sluice.js adds when it re-executes itself
// (the server's own start is checked in test/process/built-server.test.ts).
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyNodeFlags, defaultNodeFlags, missingNodeFlags } from '../../bin/node-flags.js';

const twoCores = { cores: 2 };
const oneCore = { cores: 1 };

describe('missingNodeFlags', () => {
  it('adds the 16 MB young generation to a plain start, and single-threaded GC only on one core', () => {
    expect(defaultNodeFlags.map((flag) => flag.name)).toEqual(['max-semi-space-size', 'single-threaded-gc']);
    expect(missingNodeFlags([], undefined, twoCores)).toEqual(['--max-semi-space-size=16']);
    expect(missingNodeFlags(['--no-experimental-strip-types', '--max-old-space-size=512'], '--enable-source-maps', twoCores)).toEqual(['--max-semi-space-size=16']);
    expect(missingNodeFlags([], undefined, oneCore)).toEqual(['--max-semi-space-size=16', '--single-threaded-gc']);
  });

  it("keeps the operator's choice, however it is spelled and wherever it is given", () => {
    expect(missingNodeFlags(['--max-semi-space-size=64'], undefined, twoCores)).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size', '64'], undefined, twoCores)).toEqual([]);
    expect(missingNodeFlags(['--max_semi_space_size=8'], undefined, twoCores)).toEqual([]);
    expect(missingNodeFlags([], '--enable-source-maps  --max-semi-space-size=32', twoCores)).toEqual([]);
    expect(missingNodeFlags([], '--max_semi_space_size=32', twoCores)).toEqual([]);
    expect(missingNodeFlags(['--no-single-threaded-gc'], '--max-semi-space-size=32', oneCore)).toEqual([]);
    expect(missingNodeFlags([], '--single_threaded_gc', oneCore)).toEqual(['--max-semi-space-size=16']);
  });

  it('is not fooled by a flag that only starts the same way', () => {
    expect(missingNodeFlags(['--max-semi-space-size-x=1'], '--max-semi-space', twoCores)).toEqual(['--max-semi-space-size=16']);
  });
});

describe('applyNodeFlags', () => {
  const execArgv = process.execArgv;
  afterEach(() => {
    process.execArgv = execArgv;
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('re-executes node with the missing flags ahead of its own options and the same script and arguments', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    process.execArgv = ['--no-warnings'];
    vi.stubEnv('NODE_OPTIONS', '');
    applyNodeFlags();
    const missing = missingNodeFlags([], '', { cores: availableParallelism() });
    expect(execve).toHaveBeenCalledWith(process.execPath, [process.execPath, ...missing, '--no-warnings', ...process.argv.slice(1)]);
  });

  it('says so in one line and goes on with V8 defaults when the re-execution fails', () => {
    vi.spyOn(process, 'execve').mockImplementation(() => {
      throw new Error('EACCES: permission denied');
    });
    process.execArgv = ['--single-threaded-gc'];
    vi.stubEnv('NODE_OPTIONS', '');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => {
      applyNodeFlags();
    }).not.toThrow();
    expect(stderr).toHaveBeenCalledWith("sluice: could not restart with --max-semi-space-size=16 (EACCES: permission denied); running with V8's defaults.\n");
  });

  it('reads the cores from the process affinity: pinned to one CPU, the re-executed process has single-threaded GC', () => {
    const script = `import { applyNodeFlags } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'bin', 'node-flags.js'))}; applyNodeFlags(); console.log(JSON.stringify(process.execArgv));`;
    const run = (command: string, args: string[]): unknown => JSON.parse(execFileSync(command, args, { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' })) as unknown;
    expect(run('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script])).toEqual(['--max-semi-space-size=16', '--single-threaded-gc', '--input-type=module', '-e', script]);
  });
});
