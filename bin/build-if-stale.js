// Compiles the server (src/ → dist/, `tsc -p tsconfig.build.json`) when dist/ is missing or was built
// from other sources, so `npm start` and the `sluice` bin never run a stale build. dist/ records a
// digest of what it was built from (every file under src/, the two tsconfigs) and TypeScript's version:
// contents, not modification times, so a checkout, a copied tree or an unpacked archive with old
// times cannot pass for fresh. Plain JavaScript on purpose: the server's own process then loads no
// TypeScript tooling (Node's type stripping costs ~17 MB per thread; docs/benchmarks.md).
// Run directly (`npm run build`, or `node bin/build-if-stale.js`) to build ahead of a start.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const digestFile = '.source-digest';
const configFiles = ['tsconfig.json', 'tsconfig.build.json'];

/** @param {string} folder @returns {string[]} every file under folder, sorted. */
function listFiles(folder) {
  const entries = readdirSync(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

/** @param {string} root @returns {string | undefined} TypeScript's compiler script, if installed. */
function findCompiler(root) {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** @param {string} compiler @returns {string} */
function readCompilerVersion(compiler) {
  const manifest = readFileSync(join(compiler, '..', '..', 'package.json'), 'utf8');
  return /"version"\s*:\s*"([^"]+)"/.exec(manifest)?.[1] ?? 'unknown';
}

/**
 * What a build from root's sources is made of: one hash over each source file's path and bytes and
 * the tsconfigs.
 * @param {string} root
 * @returns {string}
 */
export function digestSources(root) {
  const hash = createHash('sha256');
  for (const file of [...configFiles.map((name) => join(root, name)), ...listFiles(join(root, 'src'))]) {
    hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** @param {string} outDir @returns {string | undefined} */
function readBuiltDigest(outDir) {
  try {
    return readFileSync(join(outDir, digestFile), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * @typedef {object} BuildOptions
 * @property {string} [root] the repository (src/, tsconfig.build.json); default this one
 * @property {string} [outDir] where the build goes; default `<root>/dist`
 * @property {boolean} [checkOnly] report 'stale' instead of building
 */

/**
 * 'fresh' when outDir holds a build of root's current sources; otherwise builds it ('built'), or says
 * 'stale' (checkOnly), or 'unavailable' when TypeScript is not installed (`npm ci --omit=dev`).
 * @param {BuildOptions} [options]
 * @returns {'fresh' | 'built' | 'stale' | 'unavailable'}
 */
export function buildIfStale(options = {}) {
  const root = options.root ?? repoRoot;
  const outDir = options.outDir ?? join(root, 'dist');
  const sources = digestSources(root);
  const built = readBuiltDigest(outDir);
  const compiler = findCompiler(root);
  // Without a compiler a build of the same sources is still good (its compiler cannot be compared).
  if (compiler === undefined) return built?.endsWith(` ${sources}`) === true ? 'fresh' : 'unavailable';
  const digest = `typescript-${readCompilerVersion(compiler)} ${sources}`;
  if (built === digest) return 'fresh';
  if (options.checkOnly === true) return 'stale';
  // Built beside the old one and swapped in whole, so a start racing this one never sees half a build.
  const building = `${outDir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const compiled = spawnSync(process.execPath, [compiler, '-p', join(root, 'tsconfig.build.json'), '--outDir', building], { stdio: 'inherit' });
  if (compiled.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`the server build (tsc -p tsconfig.build.json) failed with exit code ${String(compiled.status ?? compiled.signal)}`);
  }
  writeFileSync(join(building, digestFile), digest);
  const retired = `${outDir}.retired-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, retired);
  try {
    renameSync(building, outDir);
  } catch (error) {
    // Another start swapped in its build between the two renames: the same sources, so use it.
    rmSync(building, { recursive: true, force: true });
    if (readBuiltDigest(outDir) !== digest) throw error;
  }
  rmSync(retired, { recursive: true, force: true });
  return 'built';
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outcome = buildIfStale();
  if (outcome === 'unavailable') {
    console.error('sluice: TypeScript is not installed, so the server cannot be built into dist/; run `npm ci`.');
    process.exitCode = 1;
  } else {
    console.log(outcome === 'built' ? 'sluice: built the server into dist/' : 'sluice: dist/ is up to date');
  }
}
