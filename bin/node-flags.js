// The V8 settings Sluice's process runs with, applied by bin/sluice.js before anything else loads.
//
// - A young generation of at most 16 MB per semi-space: V8's own ceiling on this class of machine is 64 MB,
//   reached under load and kept, so a server holding ~10,000 streams carried 96 MB more than it needs (~10 KB
//   a held stream; the smaller one costs ~3 µs more garbage collection a stream). docs/benchmarks.md,
//   "Young generation, round ten", has the measurements.
// - V8's background threads (`--v8-pool-size`: concurrent marking, parallel compaction, concurrent
//   compilation) on the cores the event loop leaves free, at least one and at most Node's own default of 4.
//   Node starts 4 whatever the machine; on one core they take it from the event loop for whole scheduler
//   slices and paced streams' chunks reached clients 25 ms and more late (docs/benchmarks.md, "V8's thread
//   pool on one core, round eleven").
//
// - No memory reducer (`--no-memory-reducer`): after a few seconds without traffic, V8's memory reducer ran a
//   memory-reducing collection that gave ~60 MB back and shrank the heap's limits, and the next burst paid for it:
//   ~4× the CPU a request in its first second and ~1.5× for five more, with p99 latencies of 100–300 ms, while the
//   heap grew back (docs/benchmarks.md, "After an idle gap, round thirteen"). The idle footprint after start is
//   kept by src/lib/compact-heap.ts's own collection, not by the reducer.
//
// V8 reads these only at start (`v8.setFlagsFromString` later changes nothing), so bin/sluice.js re-executes
// the process with them: the same process id, so systemd, containers and `npm start` see no difference. An
// operator who sets one of their own (`NODE_OPTIONS=--max-semi-space-size=64`, or on node's command line)
// keeps it. Loaded after require-node.js has checked the Node version, so it may import node: modules.
import { availableParallelism } from 'node:os';

/**
 * Set in the re-executed process's environment to the flags Sluice added, so that the workers of `workers: N`
 * (src/server/run-workers.ts) can tell them from an operator's own, which they keep as given.
 */
export const addedFlagsVariable = 'SLUICE_ADDED_NODE_FLAGS';

/** Node's own `--v8-pool-size` when none is given (src/node_options.h, `v8_thread_pool_size`). */
const nodeDefaultPoolSize = 4;

/**
 * @param {number} cores the CPUs this process may run on (`os.availableParallelism()` follows its affinity)
 * @returns {number} V8's background threads: one core is the event loop's; the rest, at least 1, at most 4
 */
export function backgroundThreadsFor(cores) {
  return Math.min(nodeDefaultPoolSize, Math.max(1, cores - 1));
}

/**
 * @param {number} cores the CPUs this process may run on
 * @returns {{ name: string, value: string | false }[]} the flags Sluice starts with unless the operator sets them
 *   (`false`: a V8 switch turned off, `--no-<name>`)
 */
export function defaultNodeFlags(cores) {
  return [
    { name: 'max-semi-space-size', value: '16' },
    { name: 'v8-pool-size', value: String(backgroundThreadsFor(cores)) },
    { name: 'memory-reducer', value: false },
  ];
}

/**
 * @param {{ name: string, value: string | false }} flag
 * @returns {string} how node is given it
 */
function spellFlag(flag) {
  return flag.value === false ? `--no-${flag.name}` : `--${flag.name}=${flag.value}`;
}

/**
 * @param {readonly string[]} args node's options (process.execArgv, or NODE_OPTIONS split on spaces)
 * @param {string} name a V8 or Node flag without its dashes
 * @returns {boolean} whether args set it (`--name=v`, `--name v`, a switch's `--name`, `--no-name` and `--noname`;
 *   Node and V8 accept `_` for `-`)
 */
function setsFlag(args, name) {
  const spellings = [name, name.replaceAll('-', '_')].flatMap((spelling) => [`--${spelling}`, `--no-${spelling}`, `--no_${spelling}`, `--no${spelling}`]);
  return args.some((arg) => spellings.some((spelling) => arg === spelling || arg.startsWith(`${spelling}=`)));
}

/**
 * @param {readonly string[]} execArgv the running process's node options
 * @param {string | undefined} nodeOptions the NODE_OPTIONS environment variable
 * @param {number} [cores] the CPUs this process may run on (default: `os.availableParallelism()`)
 * @returns {string[]} the default flags neither of them sets, as `--name=value` or `--no-name`
 */
export function missingNodeFlags(execArgv, nodeOptions, cores = availableParallelism()) {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/).filter((arg) => arg.length > 0)];
  return defaultNodeFlags(cores)
    .filter((flag) => !setsFlag(given, flag.name))
    .map(spellFlag);
}

/**
 * The `sluice` commands that run once and exit (src/cli/commands.ts; test/process/node-flags.test.ts keeps
 * the two in step): the flags tune a long-running server, not worth a second start of node (~70 ms) to them.
 */
export const oneShotCommands = ['check-config', 'replay', 'import', 'help'];

/**
 * @param {readonly string[]} args the command's arguments (`process.argv.slice(2)`)
 * @returns {boolean} whether they may start the server: not when any word names a one-shot command or asks
 *   for help. A config file that happens to be named like a command only costs the server these flags.
 */
export function mayServe(args) {
  return !args.some((arg) => arg === '--help' || arg === '-h' || oneShotCommands.includes(arg));
}

/**
 * @param {readonly string[]} execArgv the running process's node options
 * @param {string | undefined} nodeOptions the NODE_OPTIONS environment variable
 * @returns {boolean} whether a debugger was asked for (`--inspect`, `--inspect-brk`, `--inspect-wait`, …): a
 *   re-execution would drop the debugger's session and stop at the first line a second time
 */
export function isDebugging(execArgv, nodeOptions) {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--inspect(-brk|-wait)?(=|$)/.test(arg));
}

/**
 * Replaces this process with the same command plus the missing default flags (`process.execve`, Node 23.11+,
 * not on Windows); returns without doing anything for a one-shot command, under a debugger, when none is
 * missing or when the platform cannot re-execute, and with one line on stderr when the re-execution itself
 * fails (Sluice then runs with V8's defaults).
 */
export function applyNodeFlags() {
  if (!mayServe(process.argv.slice(2)) || isDebugging(process.execArgv, process.env.NODE_OPTIONS)) return;
  const missing = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length === 0 || typeof process.execve !== 'function' || process.platform === 'win32') return;
  try {
    process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, [addedFlagsVariable]: missing.join(' ') });
  } catch (error) {
    process.stderr.write(`sluice: could not restart with ${missing.join(' ')} (${error instanceof Error ? error.message : String(error)}); running with V8's defaults.\n`);
  }
}
