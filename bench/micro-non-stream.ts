// In-process, JIT-warm micro-benchmarks of the non-stream request pieces issue 13's third round
// changed (docs/benchmarks.md, "Non-stream CPU, round three"): each pair runs before and after
// alternately, 41 rounds, and prints the medians and the median ratio, so a busy machine slows
// both sides alike. Usage: node bench/micro-non-stream.ts
import { parseCommonChatRequest } from '../src/ingress/chat-completions/parse-common-chat-request.ts';
import { chatRequestSchema } from '../src/ingress/chat-completions/request-schema.ts';
import { parseWith } from '../src/ingress/describe-issue.ts';
import { linkAbort } from '../src/lib/abort.ts';
import { cacheChildren } from '../src/metrics/cache-children.ts';
import { requestBody } from './lib/scenarios.ts';

const rounds = 41;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** µs per call of `run`, over `count` calls. */
function timeEach(run: () => unknown, count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) run();
  return Number(process.hrtime.bigint() - started) / count / 1000;
}

function pair(label: string, before: () => unknown, after: () => unknown, count = 10_000): void {
  const befores: number[] = [];
  const afters: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const a = timeEach(before, count);
    const b = timeEach(after, count);
    befores.push(a);
    afters.push(b);
    ratios.push(b / a);
  }
  console.log(`${label}: before ${median(befores).toFixed(3)} µs, after ${median(afters).toFixed(3)} µs, ratio ${median(ratios).toFixed(2)}`);
}

// The chat body: zod alone (before) and the hand-written check (after; zod only when it steps aside).
const benchBody = JSON.parse(requestBody({ model: 'bench-model', clientStream: false, clientWantsUsage: false })) as Record<string, unknown>;
const toolsBody = {
  model: 'm',
  messages: [
    { role: 'user', content: 'weather?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
  ],
  tools: [{ type: 'function', function: { name: 'w', parameters: { type: 'object', properties: {} } } }],
  stream: true,
};
for (const [label, body] of [['chat body, the bench\'s', benchBody], ['chat body with tool calls', toolsBody]] as const) {
  pair(label, () => parseWith(chatRequestSchema(), body), () => parseCommonChatRequest(body) ?? parseWith(chatRequestSchema(), body));
}

// The metric children of one request: a key joined from the labels (before) and one Map per label (after).
function joinedKeyCache<Child>(makeChild: (...values: string[]) => Child) {
  const children = new Map<string, Child>();
  return {
    get(...values: string[]): Child {
      const key = values.join('\u0001');
      let child = children.get(key);
      if (child === undefined) {
        child = makeChild(...values);
        children.set(key, child);
      }
      return child;
    },
  };
}
const lookups = (cache: { get(...values: string[]): unknown }) => () => {
  cache.get('bench-model', 'mock', String(200), 'false');
  cache.get('mock', 'ok');
  cache.get('bench-model', 'false');
  cache.get('prompt', 'upstream');
  cache.get('completion', 'upstream');
  cache.get('chat');
};
const makeChild = (...values: string[]) => ({ values });
pair('six metric child lookups', lookups(joinedKeyCache(makeChild)), lookups(cacheChildren(makeChild)));

// The attempt's and the call's abort plumbing, with undici's listener on the call's signal.
const deadline = new AbortController();
const onAbort = (): void => undefined;
const timeout = new Error('timeout');
pair(
  "attempt + call abort links",
  () => {
    const attempt = linkAbort(deadline.signal);
    const call = linkAbort(attempt.signal);
    const timer = setTimeout(() => {
      call.abort(timeout);
    }, 60_000);
    call.signal.addEventListener('abort', onAbort, { once: true });
    call.signal.removeEventListener('abort', onAbort);
    clearTimeout(timer);
    call.dispose();
    attempt.dispose();
  },
  () => {
    const attempt = linkAbort(deadline.signal);
    const timer = setTimeout(() => {
      attempt.abort(timeout);
    }, 60_000);
    attempt.signal.addEventListener('abort', onAbort, { once: true });
    attempt.signal.removeEventListener('abort', onAbort);
    clearTimeout(timer);
    attempt.dispose();
  },
  5_000,
);
