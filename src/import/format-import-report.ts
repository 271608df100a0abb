// The import's report, for people: what was written where, then every item not carried over as it
// was, grouped by what it concerns, each with why.

import type { ReportItem } from './import-policy.ts';
import type { ImportPlan } from './plan-import.ts';

export interface ImportOutcome {
  plan: ImportPlan;
  /** The config file written; undefined when no channel could be imported. */
  configPath: string | undefined;
  /** The store the keys went to (password hidden). */
  store: string;
  keysWritten: number;
  /** Items found while writing the keys (already stored, renamed). */
  storeItems: ReportItem[];
}

export function formatImportReport(outcome: ImportOutcome): string {
  const { plan } = outcome;
  const lines = [
    `sluice import ${plan.kind}: ${String(plan.channels.length)} of ${String(plan.rows.channels)} channels, ${String(outcome.keysWritten)} of ${String(plan.rows.tokens)} tokens imported`,
    outcome.configPath === undefined
      ? '  config: not written (no channel could be imported; a Sluice config needs at least one)'
      : `  config: ${outcome.configPath} (holds the channels' upstream keys: mode 0600)`,
    `  keys:   ${String(outcome.keysWritten)} written to ${outcome.store} (stored as sha256; clients keep sending the same sk-… key)`,
  ];
  const items = [...plan.items, ...outcome.storeItems];
  if (items.length > 0) {
    lines.push('', `Not carried over as it was (${String(items.length)}):`);
    for (const item of items) lines.push(`  ${item.subject}: ${item.what} — ${item.why}`);
  }
  if (outcome.configPath !== undefined) lines.push('', `Start Sluice with it: sluice --config ${outcome.configPath}`);
  return `${lines.join('\n')}\n`;
}
