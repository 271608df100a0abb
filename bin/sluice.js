#!/usr/bin/env node
// The `sluice` command and `npm start`: runs the compiled server (dist/main.js), building it first
// when it is missing or older than its sources (build-if-stale.js), so a stale build is never run.
// Without TypeScript installed (`npm ci --omit=dev`) and no current build, it runs the sources
// through Node's type stripping instead, as before dist/ existed, at ~35 MB more memory.
//
// The Node version is checked first (require-node.js), loaded by a dynamic import: static imports
// would all be parsed before this file's first line runs, so an older Node would stop on a parser or
// loader error instead of one line naming the version it found and the one Sluice needs. Then the
// process re-executes itself with the V8 settings of node-flags.js (a smaller young generation) unless
// they are already set. In the process that stays, the shape of Node's next-tick objects is pinned next
// (pin-tick-maps.js: before the build and the server load, which would make and lose it).
import('./require-node.js')
  .then(() => import('./node-flags.js'))
  .then(({ applyNodeFlags }) => {
    applyNodeFlags();
  })
  .then(() => import('./pin-tick-maps.js'))
  .then(({ pinTickMaps }) => {
    pinTickMaps();
  })
  .then(() => import('./build-if-stale.js'))
  .then(({ buildIfStale }) => {
    if (buildIfStale() === 'unavailable') {
      console.error('sluice: TypeScript is not installed, so the server runs from src/ by type stripping (`npm ci` installs it; the compiled build uses less memory).');
      return import('../src/main.ts');
    }
    // A computed specifier: dist/ exists only once built, so the type checker must not look for it.
    return import(new URL('../dist/main.js', import.meta.url).href);
  })
  .catch((/** @type {unknown} */ error) => {
    process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
