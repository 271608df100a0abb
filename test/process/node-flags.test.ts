// bin/node-flags.js: which of Sluice's default V8 flags bin/sluice.js adds when it re-executes itself
// (the process test is test/process/built-server.test.ts).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyNodeFlags, backgroundThreadsFor, defaultNodeFlags, isDebugging, mayServe, missingNodeFlags, oneShotCommands } from '../../bin/node-flags.js';
import { commands, defaultCommandName } from '../../src/cli/commands.ts';
import { workerExecArgv, workerPoolSize } from '../../src/server/run-workers.ts';

describe('backgroundThreadsFor', () => {
  it("leaves the event loop its core: one background thread on one or two cores, at most Node's default of 4", () => {
    expect([1, 2, 3, 4, 5, 8, 64].map(backgroundThreadsFor)).toEqual([1, 1, 2, 3, 4, 4, 4]);
    expect(backgroundThreadsFor(0)).toBe(1);
  });
});

describe('missingNodeFlags', () => {
  it('adds the 16 MB young generation, the background threads and no memory reducer to a plain start', () => {
    expect(defaultNodeFlags(1)).toEqual([
      { name: 'max-semi-space-size', value: '16' },
      { name: 'v8-pool-size', value: '1' },
      { name: 'memory-reducer', value: false },
    ]);
    expect(missingNodeFlags([], undefined, 1)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=1', '--no-memory-reducer']);
    expect(missingNodeFlags([], undefined, 8)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=4', '--no-memory-reducer']);
    expect(missingNodeFlags(['--no-experimental-strip-types', '--max-old-space-size=512'], '--enable-source-maps', 3)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=2', '--no-memory-reducer']);
  });

  it('counts the CPUs this process may run on when not told', () => {
    expect(missingNodeFlags([], undefined)).toEqual(missingNodeFlags([], undefined, availableParallelism()));
  });

  it("keeps the operator's own settings, however they are spelled and wherever they are given", () => {
    const off = '--no-memory-reducer';
    expect(missingNodeFlags(['--max-semi-space-size=64'], undefined, 1)).toEqual(['--v8-pool-size=1', off]);
    expect(missingNodeFlags(['--max-semi-space-size', '64'], undefined, 1)).toEqual(['--v8-pool-size=1', off]);
    expect(missingNodeFlags(['--max_semi_space_size=8'], undefined, 1)).toEqual(['--v8-pool-size=1', off]);
    expect(missingNodeFlags([], '--enable-source-maps  --max-semi-space-size=32', 1)).toEqual(['--v8-pool-size=1', off]);
    expect(missingNodeFlags([], '--max_semi_space_size=32', 1)).toEqual(['--v8-pool-size=1', off]);
    expect(missingNodeFlags(['--v8-pool-size=8'], undefined, 1)).toEqual(['--max-semi-space-size=16', off]);
    expect(missingNodeFlags([], '--v8_pool_size=0', 1)).toEqual(['--max-semi-space-size=16', off]);
    expect(missingNodeFlags(['--v8-pool-size', '2'], '--max-semi-space-size=32', 1)).toEqual([off]);
    // A switch, on or off, in any of V8's spellings.
    for (const given of ['--memory-reducer', '--memory_reducer', '--no-memory-reducer', '--no_memory_reducer', '--nomemory-reducer', '--nomemory_reducer']) {
      expect(missingNodeFlags([given], undefined, 1)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=1']);
      expect(missingNodeFlags([], `--no-warnings ${given}`, 1)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=1']);
    }
  });

  it('is not fooled by a flag that only starts the same way', () => {
    expect(missingNodeFlags(['--max-semi-space-size-x=1', '--v8-pool-sizes=3', '--memory-reducer-favors-memory'], '--max-semi-space', 1)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=1', '--no-memory-reducer']);
  });

  it('gives node only flags it accepts', () => {
    const result = spawnSync(process.execPath, [...missingNodeFlags([], undefined, 2), '-e', 'process.stdout.write("ran")'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ran');
  });
});

describe('workerPoolSize and workerExecArgv', () => {
  it("give one worker the primary's rule, and each of N workers the rule on its share of the cores", () => {
    for (let cores = 1; cores <= 64; cores += 1) expect(workerPoolSize(cores, 1)).toBe(backgroundThreadsFor(cores));
    expect([[8, 2], [8, 4], [8, 8], [16, 4], [2, 3], [64, 2]].map(([cores = 0, workers = 0]) => workerPoolSize(cores, workers))).toEqual([3, 1, 1, 3, 1, 4]);
  });

  it('resize only the pool size bin/sluice.js added, and keep every other option in its place', () => {
    const added = '--max-semi-space-size=16 --v8-pool-size=4';
    expect(workerExecArgv(['--max-semi-space-size=16', '--v8-pool-size=4', '--no-warnings'], added, 1)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=1', '--no-warnings']);
    // The operator's own (bin/sluice.js added only the young generation): kept.
    expect(workerExecArgv(['--max-semi-space-size=16', '--v8-pool-size=4'], '--max-semi-space-size=16', 1)).toEqual(['--max-semi-space-size=16', '--v8-pool-size=4']);
    // Started without bin/sluice.js's re-execution (no variable): nothing changes.
    expect(workerExecArgv(['--v8-pool-size=4'], undefined, 1)).toEqual(['--v8-pool-size=4']);
  });
});

describe('mayServe', () => {
  it('names every command but the server, so a one-shot command starts node once', () => {
    expect([...oneShotCommands].sort()).toEqual(commands.map((command) => command.name).filter((name) => name !== defaultCommandName).sort());
  });

  it('is true for the server, by name, by default or with its options, and false for the rest', () => {
    for (const args of [[], ['start'], ['--config', 'sluice.yaml'], ['start', '--port', '8080', '--workers', 'auto']]) expect(mayServe(args)).toBe(true);
    for (const args of [['help'], ['help', 'start'], ['--help'], ['start', '-h'], ['check-config', '-c', 'x.yaml'], ['replay', 'req_1'], ['import', 'one-api', '--from', 'one-api.db']]) expect(mayServe(args)).toBe(false);
  });
});

describe('isDebugging', () => {
  it('sees an inspector flag on the command line or in NODE_OPTIONS, and nothing that only starts the same way', () => {
    for (const [execArgv, nodeOptions] of [[['--inspect'], ''], [['--inspect-brk=9230'], undefined], [[], '--max-old-space-size=512 --inspect-wait'], [['--inspect=0.0.0.0:9229'], '']] as const) {
      expect(isDebugging(execArgv, nodeOptions)).toBe(true);
    }
    for (const [execArgv, nodeOptions] of [[[], ''], [['--inspect-port=9230'], undefined], [['--no-warnings'], '--max-semi-space-size=16']] as const) {
      expect(isDebugging(execArgv, nodeOptions)).toBe(false);
    }
  });
});

describe('applyNodeFlags', () => {
  const execArgv = process.execArgv;
  const argv = process.argv;
  afterEach(() => {
    process.execArgv = execArgv;
    process.argv = argv;
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('re-executes node with the missing flags ahead of its own options and the same script and arguments', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    process.execArgv = ['--no-warnings'];
    vi.stubEnv('NODE_OPTIONS', '');
    applyNodeFlags();
    const threads = backgroundThreadsFor(availableParallelism());
    expect(execve).toHaveBeenCalledWith(process.execPath, [process.execPath, '--max-semi-space-size=16', `--v8-pool-size=${String(threads)}`, '--no-memory-reducer', '--no-warnings', ...process.argv.slice(1)], {
      ...process.env,
      SLUICE_ADDED_NODE_FLAGS: `--max-semi-space-size=16 --v8-pool-size=${String(threads)} --no-memory-reducer`,
    });
  });

  it('leaves a process under a debugger as it started (its session and breakpoint stay)', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    process.argv = [process.execPath, 'bin/sluice.js'];
    process.execArgv = ['--inspect-brk'];
    vi.stubEnv('NODE_OPTIONS', '');
    applyNodeFlags();
    process.execArgv = [];
    vi.stubEnv('NODE_OPTIONS', '--inspect');
    applyNodeFlags();
    expect(execve).not.toHaveBeenCalled();
  });

  it('leaves a one-shot command in the process it started in', () => {
    const execve = vi.spyOn(process, 'execve').mockImplementation(() => undefined as never);
    process.execArgv = [];
    vi.stubEnv('NODE_OPTIONS', '');
    for (const args of [['check-config'], ['--help'], ['help', 'import']]) {
      process.argv = [process.execPath, 'bin/sluice.js', ...args];
      applyNodeFlags();
    }
    expect(execve).not.toHaveBeenCalled();
    process.argv = [process.execPath, 'bin/sluice.js', 'start'];
    applyNodeFlags();
    expect(execve).toHaveBeenCalledTimes(1);
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
    const threads = backgroundThreadsFor(availableParallelism());
    expect(stderr).toHaveBeenCalledWith(`sluice: could not restart with --max-semi-space-size=16 --v8-pool-size=${String(threads)} --no-memory-reducer (EACCES: permission denied); running with V8's defaults.\n`);
  });
});
