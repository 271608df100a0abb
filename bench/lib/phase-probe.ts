// Loaded into a server under test with `--import` (bench/request-phases.ts): how long, on average, a
// chat request spends in each phase of its life in that server, from Node's and undici's diagnostics
// channels alone, so the same probe reads the bare proxy and Sluice. No request is followed from end to
// end: each phase keeps a count of the requests in it, and the time they spent there is that count's
// integral over time (Little's law: mean time in a phase = integral / requests that left it). That holds
// while every counted request passes every mark in order, so only `POST …/chat/completions` is counted,
// on both sides of the server; the report is cumulative, and the runner takes the difference between two
// reads to keep the measured window only.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Each phase ends at the next one's mark; the last ends when the response has finished. */
export const phaseNames = ['received → upstream call made', 'call made → request written', 'written → upstream head read', 'upstream head → response finished'] as const;

export interface PhaseReport {
  /** Per phase: the integral of its count over time (ms), the requests that left it, and the count now. */
  areaMs: number[];
  exits: number[];
  inPhase: number[];
}

/** Where the probe writes `phases-<pid>.json`; unset, the probe does nothing. */
export const reportDirVariable = 'BENCH_PHASE_REPORT_DIR';

const chatPath = /\/chat\/completions(\?|$)/;

/** How often the probe rewrites its report. */
export const reportEveryMs = 200;

/** Starts counting and writing `phases-<pid>.json` to `reportDir`; the returned function stops both (and writes once more). */
export function startPhaseProbe(reportDir: string): () => void {
  const count = phaseNames.map(() => 0);
  const areaMs = phaseNames.map(() => 0);
  const exits = phaseNames.map(() => 0);
  let last = performance.now();
  /** Adds the time since the last event, times each phase's count, to that phase's integral. */
  const advance = (): void => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    for (let phase = 0; phase < count.length; phase += 1) areaMs[phase] = (areaMs[phase] ?? 0) + elapsed * (count[phase] ?? 0);
  };
  /** Moves one request from phase `index - 1` into `index` (`index` past the last: out of every phase). */
  const mark = (index: number): void => {
    advance();
    if (index > 0) {
      count[index - 1] = (count[index - 1] ?? 0) - 1;
      exits[index - 1] = (exits[index - 1] ?? 0) + 1;
    }
    if (index < count.length) count[index] = (count[index] ?? 0) + 1;
  };
  const counted = new WeakSet<object>();
  type Message = { request: { method?: string; url?: string; path?: string }; response: object };
  const isChatCall = (request: Message['request']): boolean => request.method === 'POST' && chatPath.test(request.path ?? '');
  const listeners: [string, (message: unknown) => void][] = [
    [
      'http.server.request.start',
      (message) => {
        const { request, response } = message as Message;
        if (request.method !== 'POST' || !chatPath.test(request.url ?? '')) return;
        counted.add(response);
        mark(0);
      },
    ],
    [
      'undici:request:create',
      (message) => {
        if (isChatCall((message as Message).request)) mark(1);
      },
    ],
    [
      'undici:client:sendHeaders',
      (message) => {
        if (isChatCall((message as Message).request)) mark(2);
      },
    ],
    [
      'undici:request:headers',
      (message) => {
        if (isChatCall((message as Message).request)) mark(3);
      },
    ],
    [
      'http.server.response.finish',
      (message) => {
        const { response } = message as Message;
        if (!counted.has(response)) return;
        counted.delete(response);
        mark(4);
      },
    ],
  ];
  for (const [channel, listener] of listeners) subscribe(channel, listener);
  const file = join(reportDir, `phases-${String(process.pid)}.json`);
  const write = (): void => {
    advance();
    const report: PhaseReport = { areaMs: [...areaMs], exits: [...exits], inPhase: [...count] };
    writeFileSync(file, JSON.stringify(report));
  };
  const timer = setInterval(write, reportEveryMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const [channel, listener] of listeners) unsubscribe(channel, listener);
    write();
  };
}

const reportDir = process.env[reportDirVariable];
if (isMainThread && reportDir !== undefined) startPhaseProbe(reportDir);
