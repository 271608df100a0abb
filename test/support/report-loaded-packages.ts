// Run as a child process by test/process/lazy-packages.test.ts: starts Sluice from the YAML given
// on stdin, makes one chat completion with the key given as argv[2] (if any), and prints which of
// the watched packages were loaded (resolved by name, through import or require) as one JSON line;
// at start, also whether Node's bundled undici was.
import { registerHooks } from 'node:module';
import { text } from 'node:stream/consumers';

// undici and prom-client by their index: Sluice takes the parts it uses from their own files
// (upstream/undici-parts.ts, metrics/prom-client-parts.ts), so neither index is ever loaded; nor is
// @opentelemetry/api, which prom-client's CPU counters load (metrics/collect-process-metrics.ts); nor
// fastify's schema compilers, which Sluice never uses (server/build-app.ts noSchemaCompilers).
const watched = new Set(['gpt-tokenizer', 'pg', '@redis/client', 'undici', 'prom-client', '@opentelemetry/api', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler']);
const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (watched.has(specifier)) loaded.add(specifier);
    return nextResolve(specifier, context);
  },
});

const { parseConfig } = await import('../../src/config/index.ts');
const { startSluice } = await import('../../src/server/start-sluice.ts');
const config = parseConfig(await text(process.stdin), { file: 'child.yaml', env: {} });
const sluice = await startSluice(config, { port: 0 });
// Node's own bundled undici (behind fetch, and node:http's WebSocket getters, which an ES import of
// node:http reads): the child's fetch below loads it, so only its presence at start is reported.
const { moduleLoadList } = process as unknown as { moduleLoadList: string[] };
if (moduleLoadList.includes('NativeModule internal/deps/undici/undici')) loaded.add('node:internal/deps/undici');
const atStart = [...loaded].sort();
loaded.delete('node:internal/deps/undici');
const response = await fetch(`${sluice.url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(process.argv[2] === undefined ? {} : { authorization: `Bearer ${process.argv[2]}` }) },
  body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'count me' }] }),
});
await response.text();
await sluice.close();
process.stdout.write(`${JSON.stringify({ status: response.status, atStart, afterRequest: [...loaded].sort() })}\n`);
