import { describe, expect, it } from 'vitest';
import { growthBetweenScavenges, readCollections } from '../../bench/old-generation.ts';

// Lines as V8 13.6 prints them with --trace-gc-nvp (fields cut to those read), two isolates: the event loop's and the log thread's.
const log = [
  '[7:0x1000:0]     1000 ms: pause=0.5 mutator=80.0 gc=s reduce_memory=0 end_object_size=30000000 allocated=13000000',
  '[7:0x2000:0]     1010 ms: pause=0.1 mutator=900.0 gc=s reduce_memory=0 end_object_size=5000000 allocated=800000',
  '{"level":30,"msg":"a request line between them"}',
  '[7:0x1000:0]     1080 ms: pause=0.5 mutator=80.0 gc=s reduce_memory=0 end_object_size=30100000 allocated=13000000',
  '[7:0x1000:0]     1160 ms: pause=0.6 mutator=80.0 gc=s reduce_memory=0 end_object_size=30150000 allocated=13000000',
  '[7:0x1000:0]     1200 ms: pause=4.0 mutator=40.0 gc=mc reduce_memory=0 end_object_size=27000000 allocated=6000000',
  '[7:0x1000:0]     1280 ms: pause=0.5 mutator=80.0 gc=s reduce_memory=0 end_object_size=27050000 allocated=13000000',
].join('\n');

describe('old-generation growth from V8 trace lines', () => {
  it("reads the busiest isolate's collections and leaves the others out", () => {
    const collections = readCollections(log);
    expect(collections.map((collection) => [collection.atMs, collection.kind])).toEqual([
      [1000, 's'],
      [1080, 's'],
      [1160, 's'],
      [1200, 'mc'],
      [1280, 's'],
    ]);
  });

  it('adds what each scavenge left over the one before, skipping across a full collection', () => {
    expect(growthBetweenScavenges(readCollections(log))).toEqual({ bytes: 150_000, seconds: 0.28 });
  });
});
