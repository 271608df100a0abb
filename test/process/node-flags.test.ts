// bin/node-flags.js: which of Sluice's default V8 flags bin/sluice.js adds when it re-executes itself
// (the process test is test/process/built-server.test.ts).
import { describe, expect, it } from 'vitest';
import { defaultNodeFlags, missingNodeFlags } from '../../bin/node-flags.js';

describe('missingNodeFlags', () => {
  it('adds the 16 MB young generation to a plain start', () => {
    expect(defaultNodeFlags).toEqual([{ name: 'max-semi-space-size', value: '16' }]);
    expect(missingNodeFlags([], undefined)).toEqual(['--max-semi-space-size=16']);
    expect(missingNodeFlags(['--no-experimental-strip-types', '--max-old-space-size=512'], '--enable-source-maps')).toEqual(['--max-semi-space-size=16']);
  });

  it("keeps the operator's size, however it is spelled and wherever it is given", () => {
    expect(missingNodeFlags(['--max-semi-space-size=64'], undefined)).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size', '64'], undefined)).toEqual([]);
    expect(missingNodeFlags(['--max_semi_space_size=8'], undefined)).toEqual([]);
    expect(missingNodeFlags([], '--enable-source-maps  --max-semi-space-size=32')).toEqual([]);
    expect(missingNodeFlags([], '--max_semi_space_size=32')).toEqual([]);
  });

  it('is not fooled by a flag that only starts the same way', () => {
    expect(missingNodeFlags(['--max-semi-space-size-x=1'], '--max-semi-space')).toEqual(['--max-semi-space-size=16']);
  });
});
