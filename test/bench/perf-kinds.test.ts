// bench/perf-split.ts's reading of `perf report`: lines parsed, samples sorted into kinds of work.
import { describe, expect, it } from 'vitest';
import { kindOfSample, parsePerfLine } from '../../bench/lib/perf-kinds.ts';

describe('parsePerfLine', () => {
  it('reads the share, thread, object and symbol of a report line', () => {
    expect(parsePerfLine('     1.75%  MainThread    node               [.] Builtins_KeyedLoadIC_Megamorphic')).toEqual({ percent: 1.75, thread: 'MainThread', dso: 'node', symbol: 'Builtins_KeyedLoadIC_Megamorphic' });
    expect(parsePerfLine("     0.84%  MainThread    [JIT] tid 23560    [.] JS:* file:///srv/sluice/dist/server/chat-route.js:25:42")).toEqual({
      percent: 0.84,
      thread: 'MainThread',
      dso: '[JIT] tid 23560',
      symbol: 'JS:* file:///srv/sluice/dist/server/chat-route.js:25:42',
    });
    expect(parsePerfLine('     7.78%  V8Worker      [kernel.kallsyms]  [k] pvm_irq_enable')?.dso).toBe('[kernel.kallsyms]');
  });

  it('skips headers, blank lines and anything else', () => {
    expect(parsePerfLine('')).toBeUndefined();
    expect(parsePerfLine('# Samples: 8K of event cpu-clock')).toBeUndefined();
  });
});

describe('kindOfSample', () => {
  it('names JIT code by its package', () => {
    expect(kindOfSample('[JIT] tid 1', 'JS:*visit file:///srv/sluice/dist/relay/attempt-loop.js:154:25')).toBe('JIT: Sluice (dist/)');
    expect(kindOfSample('[JIT] tid 1', "JS:*'find /srv/sluice/node_modules/find-my-way/index.js:618:39")).toBe('JIT: fastify');
    expect(kindOfSample('[JIT] tid 1', "JS:*'_resume /srv/sluice/node_modules/undici/lib/dispatcher/client.js:663:18")).toBe('JIT: undici');
    expect(kindOfSample('[JIT] tid 1', "JS:*'nextTick node:internal/process/task_queues:113:18")).toBe('JIT: Node internals');
    expect(kindOfSample('[JIT] tid 1', 'JS:wasm-function[20]-20-turbofan')).toBe('JIT: other');
  });

  it('sorts the node binary by what V8 or Node does there', () => {
    expect(kindOfSample('[kernel.kallsyms]', 'tcp_sendmsg')).toBe('kernel');
    expect(kindOfSample('node', 'v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>')).toBe('garbage collection');
    expect(kindOfSample('node', 'Builtins_RecordWriteSaveFP')).toBe('write barrier');
    expect(kindOfSample('node', 'Builtins_KeyedLoadIC_Megamorphic')).toBe('inline caches and property access');
    expect(kindOfSample('node', 'v8::internal::JsonStringifier::SerializeString<false>')).toBe('JSON');
    expect(kindOfSample('node', 'Builtins_FulfillPromise')).toBe('promises and async functions');
    expect(kindOfSample('node', 'Builtins_StringAdd_CheckNone')).toBe('other V8 builtins');
    expect(kindOfSample('node', 'v8::internal::compiler::GraphReducer::ReduceTop')).toBe('V8 runtime and compiler');
    expect(kindOfSample('node', 'uv__io_poll')).toBe('Node C++ and libuv');
    expect(kindOfSample('libc.so.6', '__memmove_avx512_unaligned_erms')).toBe('libc');
  });
});
