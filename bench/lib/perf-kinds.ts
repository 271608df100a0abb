// What `perf report --sort comm,dso,sym` says about a server, sorted into kinds of work: the kernel, JIT
// code by package (named through Node's --perf-basic-prof map, or its --perf-prof jitdump), and the node binary's V8 builtins and
// runtime by what they do (garbage collection, inline caches, JSON, promises). Used by bench/perf-split.ts;
// docs/benchmarks.md "Where the rest goes, round fourteen".

export interface PerfLine {
  percent: number;
  thread: string;
  dso: string;
  symbol: string;
}

/**
 * One line of `perf report --no-children --sort comm,dso,sym -q -g none`, e.g.
 * `     1.75%  MainThread  node  [.] Builtins_KeyedLoadIC_Megamorphic`; undefined for anything else.
 */
export function parsePerfLine(line: string): PerfLine | undefined {
  const match = /^\s*([\d.]+)%\s+(\S+)\s+(.+?)\s+\[[.k]\]\s+(.*)$/.exec(line);
  if (match === null) return undefined;
  const [, percent, thread, dso, symbol] = match;
  if (percent === undefined || thread === undefined || dso === undefined || symbol === undefined) return undefined;
  return { percent: Number(percent), thread, dso: dso.trim(), symbol: symbol.trim() };
}

export interface PerfChildrenLine {
  /** The share of all samples with this symbol anywhere on the stack (itself and its callees). */
  children: number;
  /** The share with it at the top of the stack. */
  self: number;
  symbol: string;
}

/**
 * One line of `perf report --children --sort sym -q -g none`, e.g.
 * `    12.34%     0.56%  [.] JS:*'send file:///srv/sluice/dist/upstream/upstream-client.js:56:12`; undefined for anything else.
 */
export function parsePerfChildrenLine(line: string): PerfChildrenLine | undefined {
  const match = /^\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*)$/.exec(line);
  if (match === null) return undefined;
  const [, children, self, symbol] = match;
  if (children === undefined || self === undefined || symbol === undefined) return undefined;
  return { children: Number(children), self: Number(self), symbol: symbol.trim() };
}

/** Kinds of work, in the order a report lists them. */
export const perfKinds = [
  'kernel',
  'JIT: Sluice (dist/)',
  'JIT: fastify',
  'JIT: undici',
  'JIT: Node internals',
  'JIT: other',
  'garbage collection',
  'inline caches and property access',
  'write barrier',
  'JSON',
  'promises and async functions',
  'other V8 builtins',
  'V8 runtime and compiler',
  'Node C++ and libuv',
  'libc',
  'other',
] as const;
export type PerfKind = (typeof perfKinds)[number];

/** The packages a JIT frame's code can belong to (bench/lib/attribute-stacks.ts charges samples to them too). */
export const jitPackages = ['Sluice (dist/)', 'fastify', 'undici', 'Node internals', 'bench servers', 'other JS'] as const;
export type JitPackage = (typeof jitPackages)[number];

/** The package of a JIT frame, by the file its name gives. */
export function packageOfJitFrame(symbol: string): JitPackage {
  if (/node_modules\/(fastify|find-my-way|avvio|fast-json-stringify|light-my-request|@fastify)\//.test(symbol)) return 'fastify';
  // undici's own files; its llhttp parser, compiled to WebAssembly, has a frame name without a file
  // (`JS:wasm-function[20]-20-turbofan`) and counts as other JS.
  if (symbol.includes('node_modules/undici/')) return 'undici';
  // A dependency's own dist/ folder is not Sluice's.
  if (symbol.includes('node_modules/')) return 'other JS';
  if (symbol.includes('/dist/')) return 'Sluice (dist/)';
  if (symbol.includes('/bench/')) return 'bench servers';
  if (/ node:/.test(symbol)) return 'Node internals';
  return 'other JS';
}

const jitKinds: Record<JitPackage, PerfKind> = {
  'Sluice (dist/)': 'JIT: Sluice (dist/)',
  fastify: 'JIT: fastify',
  undici: 'JIT: undici',
  'Node internals': 'JIT: Node internals',
  'bench servers': 'JIT: other',
  'other JS': 'JIT: other',
};

/** The kind of work one sampled symbol is. */
export function kindOfSample(dso: string, sampled: string): PerfKind {
  if (dso.includes('kernel')) return 'kernel';
  // An injected jitdump (--perf-prof) names V8's builtins `Builtin:<name>`, where the node binary has `Builtins_<name>`.
  const symbol = sampled.startsWith('Builtin:') ? `Builtins_${sampled.slice('Builtin:'.length)}` : sampled;
  // --perf-basic-prof's map names the object `[JIT] tid N`; an injected jitdump, `jitted-<pid>-<n>.so`.
  if (!symbol.startsWith('Builtins_') && (dso.startsWith('[JIT]') || dso.startsWith('jitted-') || symbol.startsWith('JS:'))) return jitKinds[packageOfJitFrame(symbol)];
  if (dso.startsWith('libc') || dso.startsWith('libm') || dso.startsWith('libstdc++')) return 'libc';
  if (/Scaveng|Heap::|MarkCompact|Sweep|Evacuat|Marking|RememberedSet|SlotSet|GCTracer|Worklist|ArrayBufferSweeper/.test(symbol)) return 'garbage collection';
  if (symbol.startsWith('Builtins_RecordWrite')) return 'write barrier';
  if (/^Builtins_.*IC|IC::|FeedbackNexus|LookupIterator|Transition/.test(symbol)) return 'inline caches and property access';
  if (/Json|JSON/.test(symbol)) return 'JSON';
  if (/^Builtins_.*(Promise|Microtask|AsyncFunction|Generator|Await)/.test(symbol)) return 'promises and async functions';
  if (symbol.startsWith('Builtins_')) return 'other V8 builtins';
  if (symbol.startsWith('v8::')) return 'V8 runtime and compiler';
  if (/^(node::|uv_|uv__|llhttp|ada::)/.test(symbol)) return 'Node C++ and libuv';
  return 'other';
}
