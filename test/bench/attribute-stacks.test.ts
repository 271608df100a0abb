// bench/perf-split.ts `--attribute`: each sampled stack charged to its nearest JS frame, by package.
import { describe, expect, it } from 'vitest';
import { attributeStacks, ownerOfFrame, shortenFrame } from '../../bench/lib/attribute-stacks.ts';

// Three samples as `perf script -F ip,sym` prints them (taken from a recording of Sluice under load, frames
// trimmed): a socket write's kernel work under node's Socket._writeGeneric, a megamorphic load in one of
// Sluice's functions, and the event loop waiting with no JS on the stack.
const script = [
  '',
  '\t ffffffff8f2c1a2b _raw_spin_unlock_irqrestore',
  '\t ffffffff8f9d0c11 sock_def_readable',
  '\t ffffffff8f9e1234 tcp_sendmsg',
  '\t           1f7 JS:*\'Socket._writeGeneric node:net:1231:42',
  '\t           3a2 JS:*\'writeSse file:///srv/sluice/dist/server/write-sse.js:28:25',
  '\t        a22df1 v8::internal::(anonymous namespace)::Invoke',
  '',
  '\t           eca Builtin:KeyedLoadIC_Megamorphic',
  '\t           112 JS:*\'observeRequest file:///srv/sluice/dist/metrics/create-metrics.js:53:19',
  '\t           39a JS:*\'emit node:events:489:44',
  '',
  '\t       16199f7 uv__io_poll',
  '\t        160cbb7 uv_run',
  '',
].join('\n');

describe('attributeStacks', () => {
  it('charges each sample to the first JS frame from the leaf, and a stack without one to no JS frame', () => {
    const attribution = attributeStacks(script);
    expect(attribution.samples).toBe(3);
    expect(attribution.owners['Node internals']).toBe(1);
    expect(attribution.owners['Sluice (dist/)']).toBe(1);
    expect(attribution.owners['no JS frame']).toBe(1);
    expect(attribution.owners.fastify).toBe(0);
    // The caller further down (writeSse, emit) is not charged: only the nearest JS frame is.
    expect([...attribution.functions.entries()]).toEqual([
      ["JS:*'Socket._writeGeneric node:net:1231:42", 1],
      ["JS:*'observeRequest dist/metrics/create-metrics.js:53:19", 1],
      ['no JS frame', 1],
    ]);
  });

  it('counts a last sample that has no blank line after it', () => {
    expect(attributeStacks('\t 112 JS:*\'get file:///x/node_modules/undici/lib/core/util.js:9:1').owners.undici).toBe(1);
  });
});

describe('ownerOfFrame', () => {
  it('names the package of a JIT frame and nothing for other frames', () => {
    expect(ownerOfFrame("JS:*'Reply.send /srv/sluice/node_modules/fastify/lib/reply.js:156:33")).toBe('fastify');
    // A frame name without a file (undici's llhttp as WebAssembly) counts as other JS, as in perf-kinds.ts.
    expect(ownerOfFrame('JS:wasm-function[20]-20-turbofan')).toBe('other JS');
    expect(ownerOfFrame("JS:* /srv/sluice/bench/bare-proxy.ts:39:39")).toBe('bench servers');
    expect(ownerOfFrame("JS:*'parse /srv/sluice/node_modules/yaml/dist/index.js:1:1")).toBe('other JS');
    expect(ownerOfFrame('Builtin:LoadIC')).toBeUndefined();
    expect(ownerOfFrame('v8::internal::JsonParser<unsigned char>::ScanJsonString')).toBeUndefined();
  });
});

describe('shortenFrame', () => {
  it('drops the offset and the path up to dist/, bench/ or node_modules/', () => {
    expect(shortenFrame("JS:*'send file:///srv/sluice/dist/upstream/upstream-client.js:69:12+0x1f")).toBe("JS:*'send dist/upstream/upstream-client.js:69:12");
    expect(shortenFrame("JS:*'emit node:events:489:44")).toBe("JS:*'emit node:events:489:44");
  });
});
