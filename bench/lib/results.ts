// The shape of one benchmark run as written to bench/results/<date>.json, and lookups into it.
import type { Measurement } from './measure.ts';
import type { IdleRow } from './idle.ts';
import type { MachineFacts } from './proc.ts';
import type { Scenario, SlowStreamsScenario } from './scenarios.ts';
import { spread, type Spread } from './stats.ts';
import type { SluiceFeatures, TargetName } from './targets.ts';

export interface ScenarioResult {
  scenario: Scenario;
  rows: { target: TargetName; reps: Measurement[]; mockRejected: number }[];
}

export interface SlowStreamsResult {
  scenario: SlowStreamsScenario;
  rows: { target: TargetName; measurement: Measurement | undefined; mockMaxHeld: number; error?: string }[];
}

export interface Budget {
  name: string;
  limit: string;
  measured: string;
  pass: boolean | undefined;
  /** Why there is no verdict: a figure shown for information, or a limit of this machine (said in `measured`). */
  kind?: 'info' | 'machine limit';
}

export interface RunResults {
  date: string;
  quick: boolean;
  durationSeconds: number;
  machine: MachineFacts & { openFilesSoftLimit?: number };
  settings: { reps: number; durationMs: number; warmupMs: number; slowStreams: number; slowStreamsNote?: string };
  sluice: { dir: string; commit: string; dirtyFiles: number; features: SluiceFeatures | undefined; config: string };
  portkey: { version: string; honoNodeServer: string } | { skipped: string };
  targets: TargetName[];
  commands: Record<string, string>;
  scenarios: ScenarioResult[];
  /** Each server at rest after one request (absent in runs saved before issue 13). */
  idle?: IdleRow[];
  slowStreams: SlowStreamsResult | undefined;
  budgets: Budget[];
  notes: string[];
}

export function findRow(results: RunResults, scenarioId: string, target: TargetName): Measurement[] | undefined {
  return results.scenarios.find((entry) => entry.scenario.id === scenarioId)?.rows.find((row) => row.target === target)?.reps;
}

export function metric(results: RunResults, scenarioId: string, target: TargetName, pick: (measurement: Measurement) => number | undefined): Spread {
  const reps = findRow(results, scenarioId, target) ?? [];
  return spread(reps.map((measurement) => pick(measurement) ?? Number.NaN));
}

export function totalErrors(reps: readonly Measurement[]): number {
  return reps.reduce((sum, measurement) => sum + measurement.errors + (measurement.lostChunks ?? 0), 0);
}
