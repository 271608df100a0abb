// The log's way out to a file (src/server/log-output.ts), written at once (`direct`) against through
// libuv's thread pool (`queued`, as sonic-boom wrote it before round thirteen): request lines of the
// bench's size through pino and LineBatch, 8 lines per event-loop turn, rounds alternated. Prints
// the medians of CPU per line for the whole process (every thread) and for the main thread alone.
// Usage: node bench/micro-log-output.ts [--rounds N] [--lines N]
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { pino } from 'pino';
import { argumentValue } from './lib/argument.ts';
import { LineBatch } from '../src/server/batch-log-lines.ts';
import { LogLoss } from '../src/server/log-loss.ts';
import { defaultLogOutputPolicy, LogOutput, type LogWriting } from '../src/server/log-output.ts';

const rounds = Number(argumentValue('--rounds') ?? 15);
const linesPerRound = Number(argumentValue('--lines') ?? 20_000);
const linesPerTurn = 8;
// A request line of the bench's size (~650 bytes: docs/benchmarks.md "Round twelve").
const fields = { request_id: 'req_0123456789abcdef', client_model: 'gpt-4o-mini', status: 200, duration_ms: 1.234, channel: 'mock', upstream_model: 'gpt-4o-mini', stream: false, adaptation: 'none', prompt_tokens: 12, completion_tokens: 20, total_tokens: 32, usage_source: 'upstream', key: 'bench', attempts: [{ channel: 'mock', status: 200, duration_ms: 1.1, outcome: 'ok' }], pad: 'x'.repeat(250) };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function runRound(path: string, writing: LogWriting): Promise<{ process: number; main: number }> {
  const output = new LogOutput(openSync(path, 'w'), new LogLoss(), { ...defaultLogOutputPolicy, maxPendingBytes: 16 * 1024 * 1024 }, writing);
  const logger = pino({ base: null }, new LineBatch(output));
  const processStart = process.cpuUsage();
  const mainStart = process.threadCpuUsage();
  for (let written = 0; written < linesPerRound; written += linesPerTurn) {
    for (let index = 0; index < linesPerTurn; index += 1) logger.info(fields, 'gpt-4o-mini 200 1ms');
    await turn();
  }
  await new Promise<void>((resolve) => { logger.flush(() => { resolve(); }); });
  const processUsed = process.cpuUsage(processStart);
  const mainUsed = process.threadCpuUsage(mainStart);
  output.end();
  return { process: (processUsed.user + processUsed.system) / linesPerRound, main: (mainUsed.user + mainUsed.system) / linesPerRound };
}

const folder = mkdtempSync(join(tmpdir(), 'sluice-log-bench-'));
const results: Record<LogWriting, { process: number[]; main: number[] }> = { direct: { process: [], main: [] }, queued: { process: [], main: [] } };
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const writing of round % 2 === 0 ? (['direct', 'queued'] as const) : (['queued', 'direct'] as const)) {
      const used = await runRound(join(folder, `${writing}.log`), writing);
      // The first round of each warms the JIT.
      if (round < 2) continue;
      results[writing].process.push(used.process);
      results[writing].main.push(used.main);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
for (const writing of ['queued', 'direct'] as const) {
  console.log(`${writing}: ${median(results[writing].process).toFixed(2)} µs CPU per line (process), ${median(results[writing].main).toFixed(2)} µs (main thread); ${String(results[writing].process.length)} rounds of ${String(linesPerRound)} lines`);
}
const ratio = median(results.direct.process) / median(results.queued.process);
console.log(`direct / queued, process CPU: ${ratio.toFixed(2)}`);
