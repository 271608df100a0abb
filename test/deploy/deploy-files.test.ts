// The deploy files name only files that exist and agree with each other (docs/deploy.md "Docker",
// "Compose", "systemd"): what the Dockerfile COPYs, what compose.yaml mounts, what Grafana's
// provisioning and Prometheus point at, and the configs they ship load in Sluice's own parser.
// Running the Dockerfile's steps is dockerfile-steps.test.ts (and `npm run docker:rehearse`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.ts';
import { copyPaths, lastOf, parseDockerfile, type Stage } from './parse-dockerfile.ts';
import { readDockerignore } from './rehearse-dockerfile.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1) as Stage;
const compose = parse(read('compose.yaml')) as {
  services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; volumes?: string[]; secrets?: string[]; depends_on?: unknown }>;
  secrets: Record<string, { environment?: string; file?: string }>;
  volumes: Record<string, unknown>;
};

/** `./host:/container[:ro]` bind mounts of a service. */
function bindMounts(service: string): Array<{ source: string; target: string }> {
  return (compose.services[service]?.volumes ?? [])
    .filter((volume) => volume.startsWith('./'))
    .map((volume) => {
      const [source = '', target = ''] = volume.split(':');
      return { source: posix.normalize(source), target };
    });
}

function configPathOfCmd(): string {
  const args = lastOf(runtime, 'CMD')?.args ?? [];
  return args[args.indexOf('--config') + 1] ?? '';
}

describe('the Dockerfile', () => {
  it('builds in a stage with dev dependencies and runs on node:24-slim with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]?.from).toMatch(/^node:24/);
    expect(runtime.from).toBe('node:24-slim');
    const runs = (stage: Stage): string[] => stage.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.text);
    expect(runs(stages[0] as Stage).join('\n')).toMatch(/npm ci(?![^\n]*--omit=dev)/);
    expect(runs(stages[0] as Stage).join('\n')).toMatch(/npm run build\b.*npm run build:web/);
    expect(runs(runtime).join('\n')).toMatch(/npm ci --omit=dev/);
    const fromBuild = runtime.instructions.filter((instruction) => instruction.keyword === 'COPY' && instruction.flags.from !== undefined).map((instruction) => copyPaths(instruction).sources[0]);
    expect(fromBuild).toEqual(expect.arrayContaining(['/app/dist', '/app/web/dist']));
  });

  it('runs as a non-root user, keeps its data in a /data volume and checks /readyz with node', () => {
    const user = lastOf(runtime, 'USER')?.args[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime.instructions.filter((instruction) => instruction.keyword === 'VOLUME').flatMap((instruction) => instruction.args)).toContain('/data');
    const healthcheck = lastOf(runtime, 'HEALTHCHECK');
    expect(healthcheck?.exec).toBe(true);
    expect(healthcheck?.args[0]).toBe('node');
    expect(healthcheck?.args.join(' ')).toMatch(/\/readyz/);
    expect(lastOf(runtime, 'CMD')?.args.slice(0, 3)).toEqual(['node', 'bin/sluice.js', '--config']);
  });

  it('COPYs only files that exist and that .dockerignore lets into the build context', () => {
    const ignored = readDockerignore(repoRoot);
    const names = new Set(stages.map((stage) => stage.name));
    for (const stage of stages) {
      for (const instruction of stage.instructions.filter((each) => each.keyword === 'COPY')) {
        const { sources } = copyPaths(instruction);
        if (instruction.flags.from !== undefined) {
          expect(names.has(instruction.flags.from), `COPY --from=${instruction.flags.from}`).toBe(true);
          continue;
        }
        for (const source of sources) {
          expect(existsSync(join(repoRoot, source)), `COPY ${source}`).toBe(true);
          expect(ignored(source), `COPY ${source} is in .dockerignore`).toBe(false);
        }
      }
    }
    expect(ignored('node_modules')).toBe(true);
    expect(ignored('src/server/build-app.test.ts')).toBe(true);
  });

  it('bakes a config that listens on every interface at the EXPOSEd port, stores in /data, and loads with the keys from the environment', () => {
    const baked = runtime.instructions.find((instruction) => instruction.keyword === 'COPY' && copyPaths(instruction).destination === configPathOfCmd());
    const source = baked === undefined ? '' : (copyPaths(baked).sources[0] ?? '');
    const config = parseConfig(read(source), { file: source, env: { SLUICE_CLIENT_KEY: 'sk-client-0123456789', SLUICE_ADMIN_KEY: 'admin-0123456789abcdef' } });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: Number(lastOf(runtime, 'EXPOSE')?.args[0]) });
    expect(config.store).toBe('sqlite:/data/sluice.db');
    expect(config.keys.length).toBe(1);
    expect(() => parseConfig(read(source), { file: source, env: {} })).toThrow(/SLUICE_CLIENT_KEY is not set/);
  });
});

describe('compose.yaml', () => {
  it('runs Sluice with PostgreSQL, Redis, Prometheus and Grafana, every image pinned to a version', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'postgres', 'prometheus', 'redis', 'sluice']);
    expect(compose.services.sluice?.build).toBe('.');
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image === undefined || name === 'sluice') continue;
      expect(service.image, name).toMatch(/:[\w.-]+$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('mounts only files and folders that exist', () => {
    const mounts = Object.keys(compose.services).flatMap((service) => bindMounts(service));
    expect(mounts.length).toBeGreaterThanOrEqual(5);
    for (const { source } of mounts) expect(existsSync(join(repoRoot, source)), source).toBe(true);
    expect(existsSync(join(repoRoot, 'Dockerfile'))).toBe(true);
  });

  it('gives Sluice a config at the CMD path that uses PostgreSQL and Redis, and every variable it names', () => {
    const mount = bindMounts('sluice').find(({ target }) => target === configPathOfCmd());
    expect(mount).toBeDefined();
    const text = read(mount?.source ?? '');
    const provided = Object.keys(compose.services.sluice?.environment ?? {});
    const named = [...text.matchAll(/^[^#\n]*?\$\{(\w+)\}/gm)].map((match) => match[1] ?? '');
    expect(named.filter((name) => !provided.includes(name))).toEqual([]);
    const env = Object.fromEntries(provided.map((name) => [name, `${name.toLowerCase()}0123456789abcdef`]));
    const config = parseConfig(text, { file: mount?.source ?? '', env });
    expect(config.store).toMatch(/^postgres:\/\/sluice:[^@]+@postgres:5432\/sluice$/);
    expect(config.redis?.url).toBe('redis://redis:6379/0');
    expect(config.metricsKey).toBe(env.SLUICE_METRICS_KEY);
  });

  it('points Prometheus at the sluice service with the metrics key secret, and Grafana at Prometheus and the dashboard', () => {
    const prometheus = parse(read('deploy/prometheus.yml')) as { scrape_configs: Array<{ authorization?: { credentials_file?: string }; static_configs: Array<{ targets: string[] }> }> };
    const job = prometheus.scrape_configs[0];
    expect(job?.static_configs[0]?.targets).toEqual(['sluice:8080']);
    const secret = compose.services.prometheus?.secrets?.[0] ?? '';
    expect(job?.authorization?.credentials_file).toBe(`/run/secrets/${secret}`);
    expect(compose.secrets[secret]?.environment).toBe('SLUICE_METRICS_KEY');

    const grafana = bindMounts('grafana');
    const datasources = grafana.find(({ target }) => target === '/etc/grafana/provisioning/datasources');
    const datasource = (parse(readFileSync(join(repoRoot, datasources?.source ?? '', 'prometheus.yaml'), 'utf8')) as { datasources: Array<{ type: string; url: string }> }).datasources[0];
    expect(datasource).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const providers = grafana.find(({ target }) => target === '/etc/grafana/provisioning/dashboards');
    const provider = (parse(readFileSync(join(repoRoot, providers?.source ?? '', 'sluice.yaml'), 'utf8')) as { providers: Array<{ options: { path: string } }> }).providers[0];
    const dashboard = grafana.find(({ source }) => source === 'deploy/grafana/sluice.json');
    expect(dashboard).toBeDefined();
    expect(posix.dirname(dashboard?.target ?? '')).toBe(provider?.options.path);
    expect(statSync(join(repoRoot, 'deploy/grafana/sluice.json')).isFile()).toBe(true);
  });
});

describe('deploy/sluice.service', () => {
  const unit = read('deploy/sluice.service');
  const settings = (name: string): string[] => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((match) => match[1] ?? '');

  it('runs bin/sluice.js as its own user with an EnvironmentFile, restarts on failure and is hardened', () => {
    expect(settings('ExecStart')[0]).toMatch(/\/bin\/sluice\.js --config \S+\.yaml$/);
    expect(settings('User')[0]).toBe('sluice');
    expect(settings('EnvironmentFile')).toHaveLength(1);
    expect(settings('Restart')).toEqual(['on-failure']);
    for (const hardening of ['NoNewPrivileges=true', 'ProtectSystem=strict', 'ProtectHome=true', 'PrivateTmp=true', 'CapabilityBoundingSet=']) {
      expect(unit).toMatch(new RegExp(`^${hardening}$`, 'm'));
    }
    // V8 compiles code at run time: this one would stop Node.
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=true/m);
  });
});
