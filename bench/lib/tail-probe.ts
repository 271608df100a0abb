// Loaded into a server under test with `--import` (bench/request-tail.ts): each request's own timeline, kept raw for
// percentiles. A request is "in the server" from Node's `http.server.request.start` to its
// `http.server.response.finish`; "between" is the time from one response's finish to the next request's start. At
// concurrency 1 the two tile the server's whole timeline: between holds the answer's way to the client, the client's
// turn, the next request's way back and any wait before the server reads it. The GC pauses are kept beside them.
// Each SIGUSR2 writes what was gathered since the last one to `tail-<pid>-<n>.json` in the report directory and starts
// afresh: the runner sends one before its measured window and one after.
import { subscribe } from 'node:diagnostics_channel';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

/** Where the probe writes its reports; unset, the probe does nothing. */
export const tailReportDirVariable = 'BENCH_TAIL_REPORT_DIR';

export interface TailReport {
  /** Per request: when it started (ms, the server's clock) and how long it was in the server. */
  starts: number[];
  durations: number[];
  /** Per GC pause: when it started, how long, and V8's kind (`constants.NODE_PERFORMANCE_GC_*`). */
  gcs: [start: number, duration: number, kind: number][];
  /** CLOCK_MONOTONIC in ms minus `performance.now()`: places the report on a `perf record -k mono` timeline. */
  monotonicOffsetMs: number;
}

/** At most this many requests a report (~2.5 minutes at concurrency 1 and ~6,000 requests a second): a bound, not a sample. */
const maxRequests = 1_000_000;
/** Minor (scavenge) and major (mark-compact) collections, by V8's kind. */
export const gcKinds = { scavenge: constants.NODE_PERFORMANCE_GC_MINOR, markCompact: constants.NODE_PERFORMANCE_GC_MAJOR };

export interface TailProbe {
  /** What was gathered since the last take (or the start); gathering goes on afresh. */
  take(): TailReport;
}

/** Starts gathering; `reportDir` set, each SIGUSR2 writes a take to `tail-<pid>-<n>.json` there. */
export function startTailProbe(reportDir?: string): TailProbe {
  const emptyReport = (): TailReport => ({ starts: [], durations: [], gcs: [], monotonicOffsetMs: Number(process.hrtime.bigint()) / 1e6 - performance.now() });
  let report = emptyReport();
  const started = new WeakMap<object, number>();
  subscribe('http.server.request.start', (message) => {
    started.set((message as { response: object }).response, performance.now());
  });
  subscribe('http.server.response.finish', (message) => {
    const { response } = message as { response: object };
    const start = started.get(response);
    if (start === undefined || report.starts.length >= maxRequests) return;
    started.delete(response);
    report.starts.push(start);
    report.durations.push(performance.now() - start);
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (report.gcs.length < maxRequests) report.gcs.push([entry.startTime, entry.duration, kind]);
    }
  }).observe({ entryTypes: ['gc'] });
  const probe: TailProbe = {
    take() {
      const taken = report;
      report = emptyReport();
      return taken;
    },
  };
  if (reportDir !== undefined) {
    let written = 0;
    process.on('SIGUSR2', () => {
      written += 1;
      // Whole or not there: the runner reads the file as soon as it exists.
      const file = join(reportDir, `tail-${String(process.pid)}-${String(written)}.json`);
      writeFileSync(`${file}.partial`, JSON.stringify(probe.take()));
      renameSync(`${file}.partial`, file);
    });
  }
  return probe;
}

const reportDir = process.env[tailReportDirVariable];
if (isMainThread && reportDir !== undefined) startTailProbe(reportDir);
