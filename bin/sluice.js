#!/usr/bin/env node
// The `sluice` command and `npm start`: runs the compiled server (dist/main.js), building it first
// when it is missing or older than its sources (build-if-stale.js), so a stale build is never run.
// Without TypeScript installed (`npm ci --omit=dev`) and no current build, it runs the sources
// through Node's type stripping instead, as before dist/ existed, at ~35 MB more memory.
import { buildIfStale } from './build-if-stale.js';

const outcome = buildIfStale();
if (outcome === 'unavailable') {
  console.error('sluice: TypeScript is not installed, so the server runs from src/ by type stripping (`npm ci` installs it; the compiled build uses less memory).');
  await import('../src/main.ts');
} else {
  // A computed specifier: dist/ exists only once built, so the type checker must not look for it.
  await import(new URL('../dist/main.js', import.meta.url).href);
}
