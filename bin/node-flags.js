// The V8 settings Sluice's process runs with, applied by bin/sluice.js before anything else loads.
//
// - A young generation of at most 16 MB per semi-space: V8's own ceiling on this class of machine is 64 MB,
//   reached under load and kept, so a server holding ~10,000 streams carried 96 MB more than it needs
//   (~10 KB a held stream; the smaller one costs ~3 µs more garbage collection a stream).
// - On one core, single-threaded garbage collection (below).
//
// docs/benchmarks.md, "Young generation, round ten" and "GC threads on one core, round ten", has the
// measurements. V8 reads these only at start (`v8.setFlagsFromString` later changes nothing), so
// bin/sluice.js re-executes the process with them: the same process id, so systemd, containers and
// `npm start` see no difference. An operator who sets one of them (`NODE_OPTIONS=--max-semi-space-size=64`,
// `--no-single-threaded-gc`, or on node's command line) keeps their choice.
// Plain JavaScript, like require-node.js.
import { availableParallelism } from 'node:os';

/**
 * @typedef {{ cores: number }} Machine what the process may run on: `cores` is os.availableParallelism(), the CPUs
 *   its affinity allows (taskset, a container's cpuset; not a CPU quota such as `docker --cpus`)
 * @typedef {{ name: string, value?: string, when?: (machine: Machine) => boolean }} NodeFlag a flag without its
 *   dashes; `value` absent for a switch; `when` absent for always
 */

/** @type {readonly NodeFlag[]} */
export const defaultNodeFlags = [
  { name: 'max-semi-space-size', value: '16' },
  // On one core V8's helper threads (concurrent marking, parallel compaction) take the core from the event loop for
  // whole scheduler slices: paced chunks were held back 25 ms and more. Single-threaded, the marking runs in small
  // steps on the main thread. docs/benchmarks.md, "GC threads on one core, round ten".
  { name: 'single-threaded-gc', when: (machine) => machine.cores === 1 },
];

/**
 * @param {readonly string[]} args node's options (process.execArgv, or NODE_OPTIONS split on spaces)
 * @param {string} name a V8 or Node flag without its dashes
 * @returns {boolean} whether args set it (`--name=v`, `--name v`, `--no-name`; V8 accepts `_` for `-`)
 */
function setsFlag(args, name) {
  const spellings = [name, `no-${name}`].flatMap((form) => [form, form.replaceAll('-', '_')]).map((spelling) => `--${spelling}`);
  return args.some((arg) => spellings.some((spelling) => arg === spelling || arg.startsWith(`${spelling}=`)));
}

/**
 * @param {readonly string[]} execArgv the running process's node options
 * @param {string | undefined} nodeOptions the NODE_OPTIONS environment variable
 * @param {Machine} machine what the process may run on
 * @returns {string[]} the default flags for this machine that neither of them sets, as `--name=value` or `--name`
 */
export function missingNodeFlags(execArgv, nodeOptions, machine) {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/).filter((arg) => arg.length > 0)];
  return defaultNodeFlags
    .filter((flag) => (flag.when?.(machine) ?? true) && !setsFlag(given, flag.name))
    .map((flag) => (flag.value === undefined ? `--${flag.name}` : `--${flag.name}=${flag.value}`));
}

/**
 * Replaces this process with the same command plus the missing default flags (`process.execve`, Node 23.11+,
 * not on Windows); returns without doing anything when none is missing or the platform cannot re-execute, and
 * with one line on stderr when the re-execution itself fails (Sluice then runs with V8's defaults).
 */
export function applyNodeFlags() {
  const missing = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS, { cores: availableParallelism() });
  if (missing.length === 0 || typeof process.execve !== 'function' || process.platform === 'win32') return;
  try {
    process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)]);
  } catch (error) {
    process.stderr.write(`sluice: could not restart with ${missing.join(' ')} (${error instanceof Error ? error.message : String(error)}); running with V8's defaults.\n`);
  }
}
