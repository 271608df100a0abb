import { describe, expect, it } from 'vitest';
import { liveHeapBytes } from '../../test/support/collect-garbage.ts';
import { createPlainScanner } from '../providers/openai/scan-plain-template.ts';
import { ClientStreamShaper } from './shape-client-stream.ts';

// Each event padded the way OpenAI pads its chunks (`obfuscation`, random text of varying length),
// here to ~20 KB around a content piece of 17 characters, which V8 would cut as a view into the event.
const padding = 'p'.repeat(20_000);
function event(stream: number, index: number): string {
  return `{"id":"chatcmpl-${String(stream).padStart(8, '0')}","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp_0123456789ab","choices":[{"index":0,"delta":{"content":"c${String(index)}@1796197464481;"},"finish_reason":null}],"obfuscation":"${padding}${String(stream)}-${String(index)}"}`;
}

describe('ClientStreamShaper while a stream is held', () => {
  // A held stream keeps its shaper (the text for a usage estimate) to its end (docs/benchmarks.md
  // "Held stream, round seven"): it must not keep the SSE events its text was cut from.
  it('keeps the text of passed-through chunks without the events they were cut from', () => {
    const streams = 100;
    const chunks = 10;
    const before = liveHeapBytes();
    const shapers: ClientStreamShaper[] = [];
    for (let stream = 0; stream < streams; stream += 1) {
      const shaper = new ClientStreamShaper({ clientModel: 'm', clientWantsUsage: false });
      const scanner = createPlainScanner();
      for (let index = 0; index < chunks; index += 1) {
        const plain = scanner.scan(event(stream, index));
        if (plain === undefined) throw new Error('the test event is not a plain chunk');
        shaper.notePlain(plain);
      }
      shapers.push(shaper);
    }
    const perStream = (liveHeapBytes() - before) / streams;
    // The events were 10 × ~20 KB a stream; the text is 10 × 17 characters. The scanner's template is dropped here.
    expect(perStream).toBeLessThan(20_000);
    expect(shapers[7]?.text).toBe(Array.from({ length: chunks }, (_, index) => `c${String(index)}@1796197464481;`).join(''));
  });
});
