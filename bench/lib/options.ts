// Command-line options of `npm run bench`.
import { scenarios as scenarioList } from './scenarios.ts';
import { defaultTargetNames, targetNames, type TargetName } from './targets.ts';

export interface BenchOptions {
  quick: boolean;
  reps: number;
  durationMs: number;
  warmupMs: number;
  slowStreams: number | undefined;
  /** Longest wait for an idle machine before each measured run. */
  quietWaitMs: number;
  /** Runs repeated at most this often when other processes took the server core. */
  noisyRetries: number;
  targets: TargetName[];
  scenarios: string[] | undefined;
  sluiceDir: string | undefined;
  sluiceHead: boolean;
  /** Node flags for Sluice's process only (`--sluice-node-args "--max-semi-space-size=64"`), to compare V8 settings. */
  sluiceNodeArgs: string[];
  docs: boolean;
  fromJson: string | undefined;
  help: boolean;
}

export const usage = `npm run bench [-- options]

  --quick              short run: 1 repetition of 2 s, 1,000 slow streams (docs/benchmarks.md untouched unless --docs)
  --reps N             repetitions per scenario and target (default 3)
  --duration S         seconds per measured run (default 5)
  --slow-streams N     concurrent slow streams (default 10,000; the soft open-files limit is raised to the hard one,
                       and the count capped to what one proxy process can hold: two sockets per stream; 0 skips)
  --quiet-wait S       seconds to wait for an idle machine before each measured run (default 30; 5 with --quick)
  --retries N          repeat a run disturbed by other processes at most N times (default 2; 1 with --quick)
  --targets a,b        subset of ${targetNames.join(',')}
  --scenarios a,b      subset of ${[...scenarioList.map((scenario) => scenario.id), 'idle', 'slow-streams'].join(', ')}
                       (idle: each server's RSS and open files at rest after one request; measured with slow-streams too)
  --sluice-dir PATH    benchmark the Sluice checkout at PATH (default: this repository's working tree)
  --sluice-node-args "A B"  extra Node flags for the Sluice process only (e.g. "--max-semi-space-size=64"; bin/node-flags.js adds none it is given)
  --head               benchmark this repository's last commit (a snapshot by git archive), not the working tree
  --docs / --no-docs   regenerate docs/benchmarks.md (default: yes for a full run, no for --quick)
  --from-json FILE     measure nothing: print the table and regenerate docs/benchmarks.md from a saved run`;

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const value = (name: string): string | undefined => {
    const index = args.indexOf(name);
    return index === -1 ? undefined : args[index + 1];
  };
  const quick = args.includes('--quick');
  const targets = list(value('--targets'));
  for (const target of targets) {
    if (!(targetNames as readonly string[]).includes(target)) throw new Error(`unknown target '${target}' (known: ${targetNames.join(', ')})`);
  }
  const slow = value('--slow-streams');
  const scenarios = list(value('--scenarios'));
  const sluiceDir = value('--sluice-dir');
  return {
    quick,
    reps: Number(value('--reps') ?? (quick ? 1 : 3)),
    durationMs: Number(value('--duration') ?? (quick ? 2 : 5)) * 1000,
    warmupMs: quick ? 1_000 : 2_000,
    quietWaitMs: Number(value('--quiet-wait') ?? (quick ? 5 : 30)) * 1000,
    noisyRetries: Number(value('--retries') ?? (quick ? 1 : 2)),
    slowStreams: slow === undefined ? (quick ? 1_000 : undefined) : Number(slow),
    targets: targets.length > 0 ? (targets as TargetName[]) : [...defaultTargetNames],
    scenarios: scenarios.length > 0 ? scenarios : undefined,
    sluiceDir,
    sluiceHead: args.includes('--head'),
    sluiceNodeArgs: (value('--sluice-node-args') ?? '').split(' ').filter((arg) => arg.length > 0),
    docs: args.includes('--docs') || (!quick && !args.includes('--no-docs')),
    fromJson: value('--from-json'),
    help: args.includes('--help') || args.includes('-h'),
  };
}
