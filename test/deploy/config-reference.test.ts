// docs/configuration.md is generated from the config schema (`npm run docs:config`); the committed
// file must be what the schema renders now, so a field added, removed or described differently
// shows up here until the reference is regenerated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceFile, renderConfigReference } from '../../scripts/write-config-reference.ts';

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` renders from src/config/schema.ts (run it after changing the schema)', () => {
    expect(readFileSync(configReferenceFile, 'utf8')).toBe(renderConfigReference());
  });

  it('lists every field with its type, nested sections by path, and the defaults from defaults.ts', () => {
    const reference = renderConfigReference();
    expect(reference).toMatch(/^\| `channels\[\]\.capabilities\.<name>\.stream` \| `required`, `unsupported`, `supported` \| no \|/m);
    expect(reference).toMatch(/^\| `channels` \| list of entries \| yes \|/m);
    expect(reference).toMatch(/^\| `retry\.attempts` \| integer > 0 \| no \| .*Default 4\. \|$/m);
    expect(reference).toMatch(/^\| `channels\[\]\.base_url` \| string \| no \|/m);
    expect(reference).not.toMatch(/\| any \|/);
  });
});
