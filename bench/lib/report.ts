// The run as a table for the terminal and as docs/benchmarks.md. The markdown keeps whatever is written
// between the notes markers of the previous file, so hand-written findings and fix history survive.
import type { Measurement } from './measure.ts';
import type { Budget, RunResults, ScenarioResult } from './results.ts';
import { spread, type Spread } from './stats.ts';
import { targetLabels } from './targets.ts';
import { threadGroups } from './thread-cpu.ts';

export const notesStart = '<!-- notes:start (kept when the file is regenerated) -->';
export const notesEnd = '<!-- notes:end -->';

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

function withSpread(values: Spread, format: (value: number) => string): string {
  if (!Number.isFinite(values.median)) return '–';
  if (values.values.length < 2) return format(values.median);
  return `${format(values.median)} (${format(values.min)}–${format(values.max)})`;
}

function pick(reps: Measurement[], field: (measurement: Measurement) => number | undefined): Spread {
  return spread(reps.map((measurement) => field(measurement) ?? Number.NaN));
}

function failures(reps: Measurement[]): string {
  const errors = reps.reduce((sum, measurement) => sum + measurement.errors, 0);
  const lost = reps.reduce((sum, measurement) => sum + (measurement.lostChunks ?? 0), 0);
  const requests = reps.reduce((sum, measurement) => sum + measurement.requests, 0);
  const text = lost > 0 ? `${errors} / ${lost} lost chunks` : String(errors);
  return `${text} of ${whole(requests)}`;
}

interface Column {
  title: string;
  cell: (reps: Measurement[]) => string;
}

function columnsFor(entry: ScenarioResult): Column[] {
  const isStream = entry.scenario.clientStream;
  const unit = isStream ? 'streams/s' : 'req/s';
  const columns: Column[] = [{ title: unit, cell: (reps) => withSpread(pick(reps, (m) => m.rate), whole) }];
  if (isStream) {
    columns.push({ title: 'TTFB p50 ms', cell: (reps) => withSpread(pick(reps, (m) => m.ttfbP50Ms), (v) => fixed(v, 2)) });
    columns.push({ title: 'TTFB p99 ms', cell: (reps) => withSpread(pick(reps, (m) => m.ttfbP99Ms), (v) => fixed(v, 2)) });
  }
  columns.push({ title: `${isStream ? 'total ' : ''}p50 ms`, cell: (reps) => withSpread(pick(reps, (m) => m.latencyP50Ms), (v) => fixed(v, 2)) });
  columns.push({ title: `${isStream ? 'total ' : ''}p99 ms`, cell: (reps) => withSpread(pick(reps, (m) => m.latencyP99Ms), (v) => fixed(v, 2)) });
  if (entry.scenario.paced === true) {
    columns.push({ title: 'chunk delay p99 ms', cell: (reps) => withSpread(pick(reps, (m) => m.chunkDelayMs?.p99), (v) => fixed(v, 2)) });
    columns.push({ title: 'held back', cell: (reps) => String(reps.reduce((sum, m) => sum + (m.heldBack ?? 0), 0)) });
  }
  if (entry.scenario.arrivalsPerSecond !== undefined) {
    columns.push({ title: 'client lag max ms', cell: (reps) => withSpread(pick(reps, (m) => m.scheduleLagMs), (v) => fixed(v, 1)) });
  }
  columns.push({ title: `server CPU µs/${isStream ? 'stream' : 'req'}`, cell: (reps) => withSpread(pick(reps, (m) => m.cpuUsPerRequest), whole) });
  columns.push({ title: 'server CPU', cell: (reps) => withSpread(pick(reps, (m) => (m.serverCpuShare ?? Number.NaN) * 100), (v) => `${fixed(v, 0)}%`) });
  columns.push({ title: 'core 0 busy', cell: (reps) => withSpread(pick(reps, (m) => m.generatorCoreBusy * 100), (v) => `${fixed(v, 0)}%`) });
  columns.push({ title: 'other load core 1', cell: (reps) => withSpread(pick(reps, (m) => m.otherLoad * 100), (v) => `${fixed(v, 0)}%`) });
  columns.push({ title: 'failed', cell: failures });
  return columns;
}

function scenarioRows(entry: ScenarioResult): { header: string[]; rows: string[][] } {
  const columns = columnsFor(entry);
  return {
    header: ['target', ...columns.map((column) => column.title)],
    rows: entry.rows.map((row) => [targetLabels[row.target], ...columns.map((column) => column.cell(row.reps))]),
  };
}

function slowRows(results: RunResults): { header: string[]; rows: string[][] } {
  const header = ['target', 'complete', 'lost chunks', 'failed', 'peak open', 'all open after', 'RSS before', 'RSS peak', 'per stream', 'server open files peak', 'server CPU µs/stream'];
  const rows = (results.slowStreams?.rows ?? []).map((row) => {
    const m = row.measurement;
    if (m === undefined) return [targetLabels[row.target], row.error ?? 'not run', '', '', '', '', '', '', '', '', ''];
    const streams = results.slowStreams?.scenario.streams ?? 0;
    const mib = (bytes: number | undefined): string => (bytes === undefined ? '–' : `${fixed(bytes / 1024 ** 2, 0)} MiB`);
    const perStream = m.rssPeakBytes !== undefined && m.rssBeforeBytes !== undefined ? `${fixed((m.rssPeakBytes - m.rssBeforeBytes) / streams / 1000, 1)} KB` : '–';
    return [
      targetLabels[row.target],
      `${whole(m.ok)} / ${whole(streams)}`,
      whole(m.lostChunks ?? 0),
      whole(m.errors),
      whole(m.peakOpen ?? 0),
      m.allFirstByteMs === undefined ? '–' : `${fixed(m.allFirstByteMs / 1000, 1)} s`,
      mib(m.rssBeforeBytes),
      mib(m.rssPeakBytes),
      perStream,
      whole(m.fdsPeak ?? Number.NaN),
      whole(m.cpuUsPerRequest ?? Number.NaN),
    ];
  });
  return { header, rows };
}

function idleRows(results: RunResults): { header: string[]; rows: string[][] } {
  const header = ['target', 'RSS at rest', 'samples (MB)', 'open files', 'quiet before sampling', 'RSS soon after the request'];
  const rows = (results.idle ?? []).map((row) => [
    targetLabels[row.target],
    `${fixed(row.rssBytes / 1e6, 1)} MB (${fixed(row.rssBytes / 1024 ** 2, 1)} MiB)`,
    row.rssSamples.map((bytes) => fixed(bytes / 1e6, 1)).join(', '),
    whole(row.fds),
    `${fixed(row.settleMs / 1000, 1)} s`,
    row.early === undefined ? '–' : `${fixed(row.early.rssBytes / 1e6, 1)} MB after ${fixed(row.early.settleMs / 1000, 1)} s`,
  ]);
  return { header, rows };
}

/**
 * Each server's CPU a request (or stream) by thread, the median over repetitions of each group
 * (bench/lib/thread-cpu.ts): one row per scenario and target that has a server process.
 */
function threadRows(results: RunResults): { header: string[]; rows: string[][] } {
  const header = ['scenario', 'target', 'all threads', ...threadGroups];
  const rows: string[][] = [];
  for (const entry of results.scenarios) {
    for (const row of entry.rows) {
      if (!row.reps.some((measurement) => measurement.cpuUsByThread !== undefined)) continue;
      const groups = threadGroups.map((group) => whole(pick(row.reps, (m) => m.cpuUsByThread?.[group]).median));
      rows.push([entry.scenario.id, targetLabels[row.target], whole(pick(row.reps, (m) => m.cpuUsPerRequest).median), ...groups]);
    }
  }
  return { header, rows };
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  return [`| ${header.map(escape).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

function verdictText(budget: Budget): string {
  if (budget.pass === undefined) return budget.kind ?? 'not measured';
  return budget.pass ? 'PASS' : 'FAIL';
}

function budgetCounts(results: RunResults): string {
  const count = (test: (budget: Budget) => boolean): number => results.budgets.filter(test).length;
  const passed = count((budget) => budget.pass === true);
  const failed = count((budget) => budget.pass === false);
  const limited = count((budget) => budget.pass === undefined && budget.kind === 'machine limit');
  const unmeasured = count((budget) => budget.pass === undefined && budget.kind === undefined);
  return `${passed} pass, ${failed} fail${limited > 0 ? `, ${limited} limited by this machine` : ''}${unmeasured > 0 ? `, ${unmeasured} not measured` : ''}`;
}

export function consoleReport(results: RunResults): string {
  const parts: string[] = [];
  for (const entry of results.scenarios) {
    const { header, rows } = scenarioRows(entry);
    parts.push(`\n${entry.scenario.title} [${entry.scenario.id}]\n${textTable(header, rows)}`);
  }
  const byThread = threadRows(results);
  if (byThread.rows.length > 0) parts.push(`\nServer CPU µs a request or stream, by thread (medians) [threads]\n${textTable(byThread.header, byThread.rows)}`);
  if ((results.idle ?? []).length > 0) {
    const { header, rows } = idleRows(results);
    parts.push(`\nEach server at rest (after start and one request) [idle]\n${textTable(header, rows)}`);
  }
  if (results.slowStreams !== undefined) {
    const { header, rows } = slowRows(results);
    parts.push(`\n${results.slowStreams.scenario.title} [slow-streams]\n${textTable(header, rows)}`);
  }
  const budgetRows = results.budgets.map((budget) => [verdictText(budget), budget.name, budget.limit, budget.measured]);
  parts.push(`\nBudgets (issue 13): ${budgetCounts(results)}\n${textTable(['verdict', 'budget', 'limit', 'measured'], budgetRows)}`);
  return parts.join('\n');
}

export function markdownReport(results: RunResults, previousNotes: string | undefined): string {
  const machine = results.machine;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${results.quick ? ' -- --quick' : ''}\` on ${results.date} (${Math.round(results.durationSeconds)} s). Everything above the`,
    'notes section is rewritten on every run; the notes section is kept.',
    '',
    `**Budgets: ${budgetCounts(results)}** (issue 13; every figure is a ratio or difference within this one run).`,
    '',
    markdownTable(['verdict', 'budget', 'limit', 'measured'], results.budgets.map((budget) => [`**${verdictText(budget)}**`, budget.name, budget.limit, budget.measured])),
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; ${machine.os}, kernel ${machine.kernel}`,
    `- Node ${machine.node}; ${machine.wrk}; open files limit ${machine.openFilesSoftLimit === undefined ? machine.openFilesLimit : `${machine.openFilesSoftLimit} (hard ${machine.openFilesLimit}; the bench raises the soft limit to the hard one for every process it starts)`}`,
    `- Sluice: commit \`${results.sluice.commit}\`${results.sluice.dirtyFiles > 0 ? ` plus ${results.sluice.dirtyFiles} uncommitted file(s) under src/` : ''} (${results.sluice.dir})`,
    `- Portkey: ${'skipped' in results.portkey ? `skipped (${results.portkey.skipped})` : `@portkey-ai/gateway ${results.portkey.version} with @hono/node-server ${results.portkey.honoNodeServer}`}`,
    '',
    '## How it was measured',
    '',
    '- **Placement**: every server under test runs alone on core 1 (`taskset -c 1`); its mock upstream, the load generator',
    '  and the orchestrator run on core 0. Each target has its own mock upstream (`bench/mock-upstream.ts`, node:http).',
    '- **Targets**: *direct* is the client talking to the mock; *bare Node proxy* is `bench/bare-proxy.ts` (node:http +',
    '  undici, bytes piped, nothing parsed: the floor for a Node gateway); *bare Node proxy, collecting* is the same with',
    '  `--collect` (bench/bare-collect.ts: asks for a stream, parses each event, writes one completion: the floor for the',
    '  collect path); *Sluice* is `node bin/sluice.js --config <file>` as',
    '  users run it (`npm start`: the compiled server in dist/); *Sluice, request log off* is the same with `LOG_LEVEL=silent`; *Portkey* is',
    '  `node build/start-server.js --port=N --headless` called with `x-portkey-provider: openai` and',
    '  `x-portkey-custom-host: http://127.0.0.1:<mock>/v1` (its CLI reads `--port=N`; `--port N` is ignored and 8787 used).',
    `- **Sluice had on**: ${results.sluice.features === undefined ? 'not detected' : `client auth ${results.sluice.features.auth ? 'on (a key is configured; no key → 401)' : 'OFF'}; request log ${results.sluice.features.requestLog}; store: ${results.sluice.features.storeRows}; metrics: ${results.sluice.features.metrics}`}.`,
    '- **Load**: non-stream with Debian\'s `wrk` (1 thread, `bench/wrk/post.lua` posts the body), but at concurrency 1',
    '  with `bench/load-client.ts` after five warm-up runs (wrk\'s p99 there is not its requests\' latency: "Round twenty-four"); streams with',
    '  `bench/load-client.ts` (raw sockets, closed loop) which checks every stream: status 200, every chunk marker in',
    '  order, `[DONE]`, no in-band error. TTFB is the first body byte. The mock writes each chunk separately.',
    '- **Paced streams, open loop**: the mock sends a chunk every 50 ms stamped with its send time; the client starts',
    '  100 streams per second on a fixed schedule (whatever the server\'s speed; ~100 streams in flight) over a pool of',
    '  128 keep-alive sockets opened beforehand, measures time to first byte from the moment each stream was due, each',
    '  chunk\'s delay, and counts a chunk *held back* if it arrives more than half a pause late. "Client lag" is how far',
    '  behind its schedule the client ever started a stream (small means the schedule held).',
    '- **At rest**: each server is started, answers one non-stream request, is left alone for',
    `  ${results.idle?.[0] === undefined ? 'a few' : fixed(results.idle[0].settleMs / 1000, 1)} s, then its VmRSS is read from \`/proc/<pid>/status\` five times 200 ms apart (the median is`,
    '  reported) and its open file descriptors counted in `/proc/<pid>/fd`; the same read 3 s after the request is shown',
    '  beside it (it catches the request-log thread\'s exit and V8\'s reclamation at rest on their way out: bench/lib/idle.ts).',
    '- **Adaptation paths**: collect (client non-stream, model `stream: required`, the mock rejects non-stream for it) and',
    '  replay (client streams, model `stream: unsupported`, the mock rejects stream) are compared with Sluice\'s plain',
    '  non-stream and stream paths at the same concurrency (64), by server CPU per request; the collecting bare proxy',
    '  against the bare proxy\'s non-stream request is the same ratio for the floor.',
    '- **CPU per request**: the server process\'s utime+stime (all threads) from `/proc/<pid>/stat` before and after a run,',
    '  divided by the requests it served; "server CPU" is that time over the run\'s wall time. "Core 0 busy" is from',
    '  `/proc/stat`: near 100 % means the rate was limited by the load generator and mock, not by the server (CPU per',
    '  request is still exact). "Other load core 1" is core 1\'s busy time not spent by the server: other processes on',
    '  the machine. Before each measured run the machine must be idle (≤ 10 % per core, waiting up to 30 s), and a run',
    '  with more than 10 % other load on core 1 is repeated (twice at most).',
    `- **Repetitions**: ${results.settings.reps} per scenario and target, ${results.settings.durationMs / 1000} s each after a ${results.settings.warmupMs / 1000} s warm-up,`,
    '  interleaved across targets; cells show the median and (min–max).',
    `- **Slow streams**: ${results.settings.slowStreams.toLocaleString('en-US')} streams opened (at most 200 waiting for a first byte), each sends a first chunk and is`,
    '  held by the mock until all are open, then sends the rest 1 s apart; the target is restarted first, RSS sampled',
    `  every 100 ms and its open file descriptors every 500 ms; memory per stream = (peak RSS − RSS before) / streams.${results.settings.slowStreamsNote === undefined ? '' : ` ${results.settings.slowStreamsNote}`}`,
    '',
    '## Commands',
    '',
    '```sh',
    ...Object.entries(results.commands).map(([name, command]) => `# ${name}\n${command}`),
    '```',
    '',
    'Sluice\'s generated config:',
    '',
    '```yaml',
    results.sluice.config.trimEnd(),
    '```',
    '',
    '## Results',
  ];
  for (const entry of results.scenarios) {
    const { header, rows } = scenarioRows(entry);
    lines.push('', `### ${entry.scenario.title}`, '', markdownTable(header, rows));
    const rejected = entry.rows.filter((row) => row.mockRejected > 0);
    if (rejected.length > 0) lines.push('', `Mock upstream rejections: ${rejected.map((row) => `${row.target} ${row.mockRejected}`).join(', ')}.`);
  }
  const byThread = threadRows(results);
  if (byThread.rows.length > 0) {
    lines.push(
      '',
      '### Where the server\'s CPU goes (µs a request or stream, by thread; medians of the repetitions)',
      '',
      'Each thread\'s utime+stime from `/proc/<pid>/task/<tid>/stat` over the same runs (bench/lib/thread-cpu.ts). *V8',
      'background* is V8\'s thread pool (concurrent marking, parallel scavenges, concurrent compilation); *worker threads* is',
      'Sluice\'s request-log thread; *ended* is time of threads that ended within a run. Medians are taken per column, so a',
      'row need not add up exactly.',
      '',
      markdownTable(byThread.header, byThread.rows),
    );
  }
  if ((results.idle ?? []).length > 0) {
    const { header, rows } = idleRows(results);
    lines.push('', '### Each server at rest (after start and one request)', '', markdownTable(header, rows));
  }
  if (results.slowStreams !== undefined) {
    const { header, rows } = slowRows(results);
    lines.push('', `### ${results.slowStreams.scenario.title}`, '', markdownTable(header, rows));
  }
  if (results.notes.length > 0) lines.push('', '## Run notes', '', ...results.notes.map((note) => `- ${note}`));
  lines.push('', '## Notes', '', notesStart, previousNotes?.trim() ?? '_Findings, profiles and fixes with before/after numbers go here._', notesEnd, '');
  return lines.join('\n');
}

export function extractNotes(markdown: string): string | undefined {
  const start = markdown.indexOf(notesStart);
  const end = markdown.indexOf(notesEnd);
  if (start === -1 || end === -1 || end < start) return undefined;
  return markdown.slice(start + notesStart.length, end);
}
