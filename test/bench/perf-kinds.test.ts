// bench/perf-split.ts's reading of `perf report`: lines parsed, samples sorted into kinds of work.
import { describe, expect, it } from 'vitest';
import { kindOfSample, parsePerfChildrenLine, parsePerfLine, type PerfKind } from '../../bench/lib/perf-kinds.ts';

describe('parsePerfChildrenLine', () => {
  it('reads the children and self shares and the symbol of a --children line', () => {
    expect(parsePerfChildrenLine("    12.34%     0.56%  [.] JS:*'send file:///srv/sluice/dist/upstream/upstream-client.js:56:12")).toEqual({
      children: 12.34,
      self: 0.56,
      symbol: "JS:*'send file:///srv/sluice/dist/upstream/upstream-client.js:56:12",
    });
    expect(parsePerfChildrenLine('    90.28%     0.00%  [.] node::SpinEventLoopInternal')?.children).toBe(90.28);
    expect(parsePerfChildrenLine('     3.10%     3.10%  [k] _raw_spin_unlock_irqrestore')?.symbol).toBe('_raw_spin_unlock_irqrestore');
  });

  it('leaves out headers, blank lines and the one-share lines of a --no-children report', () => {
    expect(parsePerfChildrenLine('')).toBeUndefined();
    expect(parsePerfChildrenLine('# Children      Self  Symbol')).toBeUndefined();
    expect(parsePerfChildrenLine('     1.75%  MainThread    node               [.] Builtins_KeyedLoadIC_Megamorphic')).toBeUndefined();
  });
});

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
  // [object, symbol, kind]: JIT code by its package, the node binary by what V8 or Node does there.
  const samples: [string, string, PerfKind][] = [
    ['[JIT] tid 1', 'JS:*visit file:///srv/sluice/dist/relay/attempt-loop.js:154:25', 'JIT: Sluice (dist/)'],
    ['[JIT] tid 1', "JS:*'find /srv/sluice/node_modules/find-my-way/index.js:618:39", 'JIT: fastify'],
    ['[JIT] tid 1', "JS:*'_resume /srv/sluice/node_modules/undici/lib/dispatcher/client.js:663:18", 'JIT: undici'],
    ['[JIT] tid 1', "JS:*'nextTick node:internal/process/task_queues:113:18", 'JIT: Node internals'],
    ['[JIT] tid 1', 'JS:wasm-function[20]-20-turbofan', 'JIT: other'],
    // An injected jitdump's objects and its names for V8's builtins (bench/perf-split.ts --jitdump).
    ['jitted-15897-5120.so', 'JS:*visit file:///srv/sluice/dist/relay/attempt-loop.js:181:19', 'JIT: Sluice (dist/)'],
    ['jitted-15897-419.so', 'Builtin:KeyedLoadIC_Megamorphic', 'inline caches and property access'],
    ['jitted-15897-2.so', 'Builtin:RecordWriteSaveFP', 'write barrier'],
    ['jitted-15897-1370.so', 'Builtin:FulfillPromise', 'promises and async functions'],
    ['jitted-15897-8412.so', 'JS:wasm-function[20]-20-turbofan', 'JIT: other'],
    ['[kernel.kallsyms]', 'tcp_sendmsg', 'kernel'],
    ['node', 'v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>', 'garbage collection'],
    ['node', 'Builtins_RecordWriteSaveFP', 'write barrier'],
    ['node', 'Builtins_KeyedLoadIC_Megamorphic', 'inline caches and property access'],
    ['node', 'v8::internal::JsonStringifier::SerializeString<false>', 'JSON'],
    ['node', 'Builtins_FulfillPromise', 'promises and async functions'],
    ['node', 'Builtins_StringAdd_CheckNone', 'other V8 builtins'],
    ['node', 'v8::internal::compiler::GraphReducer::ReduceTop', 'V8 runtime and compiler'],
    ['node', 'uv__io_poll', 'Node C++ and libuv'],
    ['libc.so.6', '__memmove_avx512_unaligned_erms', 'libc'],
  ];

  it.each(samples)('%s %s is %s', (dso, symbol, kind) => {
    expect(kindOfSample(dso, symbol)).toBe(kind);
  });
});
