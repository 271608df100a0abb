// bench/lib/heap-snapshot-diff.ts on V8's own snapshots: a child Node process takes one at rest, makes
// objects and suspends async functions, takes another; the diff finds exactly what was made in between.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffHeapSnapshots, type HeapSnapshot } from '../../bench/lib/heap-snapshot-diff.ts';

const folder = mkdtempSync(join(tmpdir(), 'sluice-heap-diff-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const script = `
const { writeHeapSnapshot } = require('node:v8');
class HeldThing { constructor(n) { this.n = n; this.other = n + 1; } }
const held = [];
let release;
const gate = new Promise((resolve) => { release = resolve; });
async function waitsForTheGate(n) { await gate; return n; }
writeHeapSnapshot(process.argv[1] + '/before.heapsnapshot');
for (let n = 0; n < 100; n++) held.push(new HeldThing(n));
const waiting = [];
for (let n = 0; n < 7; n++) waiting.push(waitsForTheGate(n));
writeHeapSnapshot(process.argv[1] + '/after.heapsnapshot');
release();
`;

function readSnapshot(name: string): HeapSnapshot {
  return JSON.parse(readFileSync(join(folder, name), 'utf8')) as HeapSnapshot;
}

describe('diffHeapSnapshots', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['-e', script, folder], { stdio: 'ignore', timeout: 60_000 });
  }, 60_000);

  it('counts what was made between two snapshots of one process, and the async functions suspended', () => {
    const growth = diffHeapSnapshots(readSnapshot('before.heapsnapshot'), readSnapshot('after.heapsnapshot'));
    const things = growth.groups.find((group) => group.kind === 'object:HeldThing');
    expect(things?.count).toBe(100);
    expect(things?.bytes).toBeGreaterThan(100 * 16);
    expect(growth.suspended.get('waitsForTheGate')).toBe(7);
    // Node's embedder nodes are numbered afresh in every snapshot: none of them counts as new.
    expect(growth.groups.filter((group) => group.kind.startsWith('native') || group.kind === 'synthetic')).toEqual([]);
    expect(growth.bytes).toBe(growth.groups.reduce((sum, group) => sum + group.bytes, 0));
    // Largest first.
    expect(growth.groups.map((group) => group.bytes)).toEqual([...growth.groups.map((group) => group.bytes)].sort((left, right) => right - left));
  });

  it('finds nothing new in a snapshot compared with itself', () => {
    const snapshot = readSnapshot('before.heapsnapshot');
    const growth = diffHeapSnapshots(snapshot, snapshot);
    expect(growth.bytes).toBe(0);
    expect(growth.groups).toEqual([]);
    expect(growth.suspended.size).toBe(0);
  });
});
