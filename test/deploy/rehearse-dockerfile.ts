// Runs a Dockerfile's own steps without a container engine (none can pull images here): each stage
// gets a folder standing for its filesystem, COPY copies from the build context (minus .dockerignore)
// or from an earlier stage, RUN runs in the stage's WORKDIR with Node 24 first on PATH, and the last
// stage's CMD is started with its ENV and checked with the HEALTHCHECK's own command.
//
// What cannot run on the host is mapped, not hidden: absolute paths the image owns (WORKDIR, VOLUME,
// COPY destinations) live under the stage folder, and the VOLUME paths are rewritten in RUN commands
// and in the config the CMD names, as a bind mount would place them; `chown` to the image's user is
// skipped (the user exists only in the image); the server listens on 127.0.0.1 and a free port
// (`--host`/`--port` appended to the CMD, the HEALTHCHECK's port rewritten to match).
//
// Two installs: `clean` clones the repository (committed files only) and runs every RUN as written,
// `npm ci` included (`npm run docker:rehearse`, once in .ci/run); `shared` copies the working tree
// and links the shared node_modules where a stage runs `npm ci` (the suite: test/deploy/).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, matchesGlob, posix, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { copyPaths, lastOf, parseDockerfile, type Instruction, type Stage } from './parse-dockerfile.ts';
import { findFreePort } from '../support/find-free-port.ts';

export type InstallMode = 'clean' | 'shared';

export interface RehearsalOptions {
  repoRoot: string;
  install: InstallMode;
  /** Environment for the started server (the secrets `docker run -e` would pass). */
  env: Record<string, string>;
  stepTimeoutMs: number;
  startTimeoutMs: number;
  log?: (line: string) => void;
}

export interface Rehearsal {
  /** `http://127.0.0.1:<port>` of the started CMD. */
  url: string;
  /** The runtime stage's folder standing for its `/`. */
  runtimeRoot: string;
  stages: Stage[];
  /** Milliseconds per step (`build: RUN npm ci …`, `start`). */
  timings: Array<{ step: string; ms: number }>;
  /** The HEALTHCHECK command's exit code right now. */
  checkHealth(): Promise<number | null>;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** Stops the server if running and removes every folder. */
  dispose(): Promise<void>;
}

interface StageState {
  stage: Stage;
  root: string;
  workdir: string;
  env: Record<string, string>;
}

/** Docker's .dockerignore: a pattern matches a path or any folder above it (no `!` exceptions used here). */
export function readDockerignore(contextRoot: string): (path: string) => boolean {
  const file = join(contextRoot, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
    : [];
  if (patterns.some((pattern) => pattern.startsWith('!'))) throw new Error('.dockerignore: `!` exceptions are not handled by this rehearsal');
  return (path: string): boolean => {
    const parts = path.split('/');
    return parts.some((_, index) => {
      const prefix = parts.slice(0, index + 1).join('/');
      return patterns.some((pattern) => matchesGlob(prefix, pattern.replace(/^\/+/, '')));
    });
  };
}

function inRoot(state: StageState, path: string): string {
  return join(state.root, posix.resolve(state.workdir, path));
}

function volumesOf(stage: Stage): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === 'VOLUME').flatMap((instruction) => instruction.args);
}

function rewriteVolumes(text: string, state: StageState, volumes: readonly string[]): string {
  return volumes.reduce((result, volume) => result.replaceAll(new RegExp(`(?<![\\w/])${volume.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[/\\s:]|$)`, 'g'), join(state.root, volume)), text);
}

function applyEnv(state: StageState, instruction: Instruction): void {
  for (const pair of instruction.args) {
    const equals = pair.indexOf('=');
    if (equals === -1) throw new Error(`ENV ${instruction.text}: only the KEY=value form is handled`);
    state.env[pair.slice(0, equals)] = pair.slice(equals + 1).replace(/^"(.*)"$/, '$1');
  }
}

function applyCopy(state: StageState, instruction: Instruction, contextRoot: string, ignored: (path: string) => boolean, earlier: Map<string, StageState>): void {
  const { sources, destination } = copyPaths(instruction);
  const fromName = instruction.flags.from;
  const from = fromName === undefined ? undefined : earlier.get(fromName);
  if (fromName !== undefined && from === undefined) throw new Error(`COPY --from=${fromName}: no earlier stage of that name`);
  const target = inRoot(state, destination);
  const intoFolder = destination.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    const path = from === undefined ? join(contextRoot, source) : join(from.root, posix.resolve(from.workdir, source));
    if (from === undefined && ignored(posix.normalize(source))) throw new Error(`COPY ${source}: excluded by .dockerignore, so docker build would fail`);
    if (!existsSync(path)) throw new Error(`COPY ${source}: not found in ${from === undefined ? 'the build context' : `stage ${fromName ?? ''}`}`);
    const into = statSync(path).isDirectory() ? target : intoFolder ? join(target, basename(source)) : target;
    mkdirSync(statSync(path).isDirectory() ? into : dirname(into), { recursive: true });
    cpSync(path, into, {
      recursive: true,
      filter: (file) => from !== undefined || !ignored(relative(contextRoot, file).split('\\').join('/')),
    });
  }
}

async function runCommand(command: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs, killSignal: 'SIGKILL' });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** Node 24 (this process) first on PATH, so `node` and `npm` in a RUN or CMD run on it. */
function baseEnv(): Record<string, string> {
  return { PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter), HOME: process.env.HOME ?? tmpdir(), npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
}

async function applyRun(state: StageState, instruction: Instruction, options: RehearsalOptions, volumes: readonly string[]): Promise<void> {
  if (instruction.exec) throw new Error(`RUN ${instruction.text}: only the shell form is handled`);
  const parts = instruction.text.split('&&').map((part) => part.trim());
  const cwd = join(state.root, state.workdir);
  mkdirSync(cwd, { recursive: true });
  for (const part of parts) {
    if (part.startsWith('chown ')) {
      options.log?.(`skipped (the image's user exists only in the image): ${part}`);
      continue;
    }
    if (options.install === 'shared' && /^npm ci(\s|$)/.test(part)) {
      symlinkSync(join(options.repoRoot, 'node_modules'), join(cwd, 'node_modules'));
      continue;
    }
    const command = rewriteVolumes(part, state, volumes);
    const ran = await runCommand('sh', ['-c', command], { cwd, env: { ...baseEnv(), ...state.env }, timeoutMs: options.stepTimeoutMs });
    if (ran.code !== 0) throw new Error(`RUN ${part} failed (exit ${String(ran.code)}, ${options.stepTimeoutMs} ms allowed):\n${ran.output.slice(-4000)}`);
  }
}

function prepareContext(options: RehearsalOptions, work: string): string {
  if (options.install === 'shared') return options.repoRoot;
  const context = join(work, 'context');
  const cloned = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', options.repoRoot, context], { encoding: 'utf8' });
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  return context;
}

async function timed<T>(timings: Rehearsal['timings'], step: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await work();
  timings.push({ step, ms: Math.round(performance.now() - started) });
  return result;
}

async function buildStages(stages: Stage[], options: RehearsalOptions, work: string, timings: Rehearsal['timings']): Promise<StageState> {
  const contextRoot = await timed(timings, 'context', () => prepareContext(options, work));
  const ignored = readDockerignore(contextRoot);
  const built = new Map<string, StageState>();
  let state: StageState | undefined;
  for (const [index, stage] of stages.entries()) {
    state = { stage, root: join(work, `stage-${String(index)}`), workdir: '/', env: {} };
    mkdirSync(state.root, { recursive: true });
    const volumes = volumesOf(stage);
    for (const instruction of stage.instructions) {
      const current = state;
      const step = `${stage.name ?? String(index)}: ${instruction.keyword} ${instruction.text}`.slice(0, 100);
      if (instruction.keyword === 'WORKDIR') current.workdir = posix.resolve(current.workdir, instruction.text);
      else if (instruction.keyword === 'ENV') applyEnv(current, instruction);
      else if (instruction.keyword === 'COPY') applyCopy(current, instruction, contextRoot, ignored, built);
      else if (instruction.keyword === 'RUN') await timed(timings, step, () => applyRun(current, instruction, options, volumes));
    }
    if (stage.name !== undefined) built.set(stage.name, state);
  }
  if (state === undefined) throw new Error('Dockerfile: no stage');
  return state;
}

/** The CMD with its image paths mapped and the VOLUME paths in its config file rewritten. */
function prepareCommand(runtime: StageState, port: number): string[] {
  const cmd = lastOf(runtime.stage, 'CMD');
  if (cmd === undefined || !cmd.exec) throw new Error('Dockerfile: the runtime stage needs a CMD in exec form');
  const volumes = volumesOf(runtime.stage);
  for (const volume of volumes) mkdirSync(join(runtime.root, volume), { recursive: true });
  const args = cmd.args.map((arg) => {
    if (!arg.startsWith('/') || !existsSync(join(runtime.root, arg))) return arg;
    const mapped = join(runtime.root, arg);
    if (statSync(mapped).isFile()) {
      chmodSync(mapped, 0o644);
      writeFileSync(mapped, rewriteVolumes(readFileSync(mapped, 'utf8'), runtime, volumes));
    }
    return mapped;
  });
  return [...args, '--host', '127.0.0.1', '--port', String(port)];
}

export async function rehearseDockerfile(options: RehearsalOptions): Promise<Rehearsal> {
  const stages = parseDockerfile(readFileSync(join(options.repoRoot, 'Dockerfile'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'sluice-dockerfile-'));
  const timings: Rehearsal['timings'] = [];
  const cleanup = (): void => { rmSync(work, { recursive: true, force: true }); };
  let runtime: StageState;
  try {
    runtime = await buildStages(stages, options, work, timings);
  } catch (error) {
    cleanup();
    throw error;
  }
  const port = await findFreePort();
  const exposed = lastOf(runtime.stage, 'EXPOSE')?.args[0] ?? '';
  const [command = 'node', ...args] = prepareCommand(runtime, port);
  const env = { ...baseEnv(), ...runtime.env, ...options.env };
  const cwd = join(runtime.root, runtime.workdir);
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve((exitCode = code)); }));
  const healthcheck = lastOf(runtime.stage, 'HEALTHCHECK');
  const checkHealth = async (): Promise<number | null> => {
    if (healthcheck === undefined || !healthcheck.exec) throw new Error('Dockerfile: the runtime stage needs a HEALTHCHECK in exec form');
    const [probe = '', ...probeArgs] = healthcheck.args.map((arg) => arg.replaceAll(`:${exposed}/`, `:${String(port)}/`));
    return (await runCommand(probe, probeArgs, { cwd, env, timeoutMs: 5000 })).code;
  };
  const stop = async (): Promise<number | null> => {
    if (exitCode === undefined) child.kill('SIGTERM');
    return exited;
  };
  const rehearsal: Rehearsal = {
    url: `http://127.0.0.1:${String(port)}`,
    runtimeRoot: runtime.root,
    stages,
    timings,
    checkHealth,
    output: () => output,
    stop,
    dispose: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
      cleanup();
    },
  };
  const started = performance.now();
  while (performance.now() - started < options.startTimeoutMs) {
    if (exitCode !== undefined) break;
    if ((await checkHealth()) === 0) {
      timings.push({ step: 'start until the HEALTHCHECK passes', ms: Math.round(performance.now() - started) });
      return rehearsal;
    }
    await sleep(200);
  }
  await rehearsal.dispose();
  throw new Error(`the CMD did not pass its HEALTHCHECK within ${options.startTimeoutMs} ms (exit ${String(exitCode)}):\n${output.slice(-4000)}`);
}

/** `npm run docker:rehearse`: the clean install, as .ci/run runs it; exit 1 on any failure. */
async function main(): Promise<void> {
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const clientKey = 'sk-rehearsal-0123456789';
  const started = performance.now();
  const rehearsal = await rehearseDockerfile({
    repoRoot,
    install: 'clean',
    env: { SLUICE_CLIENT_KEY: clientKey, SLUICE_ADMIN_KEY: 'admin-rehearsal-0123456789' },
    stepTimeoutMs: 240_000,
    startTimeoutMs: 30_000,
    log: (line) => { console.log(line); },
  });
  try {
    const ready = await fetch(`${rehearsal.url}/readyz`);
    const answer = await fetch(`${rehearsal.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hello from the image' }] }),
    });
    if (!ready.ok || !answer.ok) throw new Error(`/readyz ${String(ready.status)}, chat ${String(answer.status)}: ${await answer.text()}`);
    if (existsSync(join(rehearsal.runtimeRoot, 'app', 'node_modules', 'typescript'))) throw new Error('the runtime stage installed dev dependencies (typescript)');
    if (/TypeScript is not installed/.test(rehearsal.output())) throw new Error(`the runtime stage ran src/ by type stripping, not the build in dist/:\n${rehearsal.output()}`);
    const code = await rehearsal.stop();
    if (code !== 0) throw new Error(`the server exited with ${String(code)} on SIGTERM:\n${rehearsal.output()}`);
    for (const { step, ms } of rehearsal.timings) console.log(`${String(ms).padStart(7)} ms  ${step}`);
    console.log(`docker:rehearse: the Dockerfile's steps built, started and answered in ${String(Math.round(performance.now() - started))} ms`);
  } finally {
    await rehearsal.dispose();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(`docker:rehearse: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
