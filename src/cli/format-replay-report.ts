// A replay's comparison as an operator reads it in a terminal: the two outcomes side by side, the
// answers in full, and one closing line that says whether they differ.
import type { Outcome } from '../server/replay/compare-outcomes.ts';
import type { ReplayReport } from '../server/replay/replay-logged-request.ts';

const columnWidth = 34;

function cell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '-' : String(value);
  return text.length > columnWidth - 2 ? `${text.slice(0, columnWidth - 3)}…` : text;
}

function describeUsage(outcome: Outcome): string {
  const { prompt_tokens: prompt, completion_tokens: completion, source } = outcome.usage;
  return prompt === null && completion === null ? '-' : `${prompt ?? '?'} + ${completion ?? '?'} (${source ?? '?'})`;
}

function describeAttempts(outcome: Outcome): string {
  return outcome.attempts.map((attempt) => `${attempt.channel} ${attempt.status ?? 'failed'}`).join(', ') || '-';
}

export function formatReplayReport(report: ReplayReport): string {
  const { original, replay } = report;
  const rows: Array<[string, string, string]> = [
    ['request', original.request_id, replay.request_id],
    ['status', cell(original.status), cell(replay.status)],
    ['channel', cell(original.channel), cell(replay.channel)],
    ['finish_reason', cell(original.finish_reason), cell(replay.finish_reason)],
    ['usage', describeUsage(original), describeUsage(replay)],
    ['attempts', cell(describeAttempts(original)), cell(describeAttempts(replay))],
    ['error', cell(original.error?.message), cell(replay.error?.message)],
  ];
  const differing = new Set<string>(report.differences.map((difference) => difference.field));
  const lines = [
    `Replay of ${original.request_id}${report.pinned_channel === null ? '' : ` pinned to channel ${report.pinned_channel}`}`,
    '',
    `  ${''.padEnd(16)}${'original'.padEnd(columnWidth)}replay`,
    ...rows.map(([name, left, right]) => `${differing.has(name) ? '≠' : ' '} ${name.padEnd(16)}${left.padEnd(columnWidth)}${right}`),
    '',
    `${differing.has('content') ? '≠' : ' '} content (original):`,
    ...indent(original.content),
    `${differing.has('content') ? '≠' : ' '} content (replay):`,
    ...indent(replay.content),
    '',
    report.same ? 'Same outcome.' : `Different: ${report.differences.map((difference) => difference.field).join(', ')}.`,
  ];
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string[] {
  return text === '' ? ['    (none)'] : text.split('\n').map((line) => `    ${line}`);
}
