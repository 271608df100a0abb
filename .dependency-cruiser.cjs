// The layer rules of DESIGN.md: imports point one way. `npm run depcheck` fails on any violation.
const layer = (name) => `^src/${name}/`;
const only = (from, allowed, comment) => ({
  name: `${from.replace(/\//g, '-')}-imports`,
  comment,
  severity: 'error',
  from: { path: layer(from), pathNot: '\\.test\\.ts$' },
  to: {
    path: '^src/',
    pathNot: [layer(from), ...allowed.map(layer)],
  },
});

module.exports = {
  forbidden: [
    only('core', [], 'core/ imports nothing'),
    only('lib', [], 'lib/ imports nothing'),
    only('config', ['core', 'lib'], 'config/ → core, lib'),
    only('codec', ['lib'], 'codec/ → lib'),
    only('providers', ['core', 'codec', 'lib'], 'providers/ are pure: → core, codec, lib'),
    only('ingress', ['core', 'codec', 'lib'], 'ingress/ is pure: → core, codec, lib'),
    only('adapt', ['core', 'lib'], 'adapt/ is pure: → core, lib'),
    only('routing', ['core', 'lib'], 'routing/ → core, lib'),
    only('upstream', ['core', 'lib'], 'upstream/ → core, lib'),
    only('store', ['core', 'lib'], 'store/ → core, lib'),
    only('metrics', ['core', 'lib'], 'metrics/ → core, lib'),
    only('alerts', ['core', 'lib'], 'alerts/ (rules, state, webhook formats, delivery queue) → core, lib; the socket is upstream/post-webhook.ts'),
    only('shared-state', ['core', 'lib', 'routing'], 'shared-state/ → core, lib, routing (the limiter interface it implements)'),
    only('import', ['core', 'lib'], 'import/ (one-api/new-api rows → Sluice entries) → core, lib; the command in cli/ writes them'),
    only('relay', ['core', 'lib', 'config', 'codec', 'providers', 'adapt', 'routing', 'upstream', 'store'], 'relay/ never imports server/'),
    {
      name: 'framework-only-in-server',
      comment: 'server/ is the only importer of the web framework',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(server/|main\\.ts)' },
      to: { path: 'node_modules/(fastify|@fastify)/' },
    },
    {
      name: 'sockets-only-in-upstream',
      comment: 'upstream/ is the only code that opens sockets (undici)',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/upstream/', '\\.test\\.ts$'] },
      to: { path: 'node_modules/undici/' },
    },
    {
      name: 'redis-only-in-shared-state',
      comment: 'shared-state/ is the only code that talks to Redis',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/shared-state/', '\\.test\\.ts$'] },
      to: { path: 'node_modules/@redis/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
