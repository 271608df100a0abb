// The Dockerfile's own steps, run without a container engine (rehearse-dockerfile.ts): its COPYs
// from the working tree minus .dockerignore, its build commands, the runtime stage's copies of the
// builds, its CMD with the config it bakes in, and its HEALTHCHECK. Each `npm ci` is the shared
// install here (a clean install takes ~85 s on this machine, more than a suite file may); the clean
// one runs once in .ci/run (`npm run docker:rehearse`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearseDockerfile, type Rehearsal } from './rehearse-dockerfile.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const clientKey = 'sk-dockerfile-steps-0123456789';
let rehearsal: Rehearsal;

beforeAll(async () => {
  rehearsal = await rehearseDockerfile({
    repoRoot,
    install: 'shared',
    env: { SLUICE_CLIENT_KEY: clientKey, SLUICE_ADMIN_KEY: 'admin-dockerfile-steps-0123456789' },
    stepTimeoutMs: 60_000,
    startTimeoutMs: 20_000,
  });
}, 90_000);

afterAll(async () => {
  await rehearsal.dispose();
});

describe("the Dockerfile's steps", () => {
  it('put the compiled server and the built console into the runtime stage, without the tests', () => {
    const app = join(rehearsal.runtimeRoot, 'app');
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist', '.source-digest'))).toBe(true);
    expect(existsSync(join(app, 'web', 'dist', 'index.html'))).toBe(true);
    expect(existsSync(join(app, 'src', 'main.ts'))).toBe(true);
    expect(existsSync(join(app, 'src', 'config', 'parse-config.test.ts'))).toBe(false);
    expect(existsSync(join(app, 'test'))).toBe(false);
  });

  it('start a server that passes its HEALTHCHECK, is ready, answers a client key and serves the console', async () => {
    expect(await rehearsal.checkHealth()).toBe(0);
    const ready = await fetch(`${rehearsal.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, store: { writable: true } });
    const client = new OpenAI({ baseURL: `${rehearsal.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'from the image' }] });
    expect(completion.choices[0]?.message.content).toContain('from the image');
    const console = await fetch(`${rehearsal.url}/ui/`);
    expect(console.status).toBe(200);
    expect(await console.text()).toMatch(/<div id="root">/);
    expect(rehearsal.output()).not.toMatch(/TypeScript is not installed|ERR_UNKNOWN_FILE_EXTENSION/);
  });

  it('stop cleanly on SIGTERM, as `docker stop` sends it', async () => {
    expect(await rehearsal.stop()).toBe(0);
    expect(await rehearsal.checkHealth()).not.toBe(0);
  });
});
