// The start-up banner (issue 16): what a new user needs in the first minute, one log line per fact —
// where Sluice listens, where the console is, which store it writes to (never a password), each
// channel with its models, whether the admin API is on (and how to turn it on), and the keyless
// warning. Pure: the facts in, the lines out; start-sluice.ts writes them and flushes at once.
import type { Channel } from '../core/channel.ts';

export interface StartupFacts {
  url: string;
  /** The config file as given; undefined: the embedded default. */
  configFile: string | undefined;
  /** The store URL (may hold a password: only its kind, host and path are shown). */
  store: string;
  /** The Redis URL when shared state is on (may hold a password too). */
  redis: string | undefined;
  channels: ReadonlyArray<Pick<Channel, 'name' | 'type' | 'models' | 'modelMap'>>;
  adminEnabled: boolean;
  keyless: boolean;
  /** Whether web/dist holds a built console. */
  consoleBuilt: boolean;
}

export interface StartupLine {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/** The environment variable that turns the admin API on when there is no config file. */
const adminKeyVariable = 'SLUICE_ADMIN_KEY';

/** `sqlite ./data/sluice.db`, `postgres app@db.internal:5432/sluice`: kind and place, no password. */
export function describeStore(store: string): { kind: string; location: string } {
  if (store.startsWith('sqlite:')) return { kind: 'sqlite', location: store.slice('sqlite:'.length) };
  return describeNetworkAddress(store);
}

function describeNetworkAddress(address: string): { kind: string; location: string } {
  if (!URL.canParse(address)) return { kind: address.split(':')[0] ?? 'unknown', location: '(address not shown: it does not parse as a URL)' };
  const url = new URL(address);
  const user = url.username === '' ? '' : `${decodeURIComponent(url.username)}@`;
  return { kind: url.protocol.replace(/:$/, ''), location: `${user}${url.host}${url.pathname === '/' ? '' : url.pathname}` };
}

/** The models a channel answers for: its own (globs included) and its aliases. */
function listChannelModels(channel: StartupFacts['channels'][number]): string[] {
  return [...channel.models, ...Object.keys(channel.modelMap).filter((alias) => !channel.models.includes(alias))];
}

function describeAdmin(facts: StartupFacts): StartupLine {
  if (facts.adminEnabled) {
    return { level: 'info', message: `admin API on at ${facts.url}/admin/api/: sign in to the console with the admin key`, fields: { admin_api: 'on' } };
  }
  const howTo = facts.configFile === undefined
    ? `start with ${adminKeyVariable}=<a secret of 16+ characters, e.g. from \`openssl rand -hex 32\`> (or set admin_key in a config file)`
    : `set admin_key in ${facts.configFile} (e.g. admin_key: \${${adminKeyVariable}}) and restart`;
  return { level: 'info', message: `admin API off (the console cannot sign in): to turn it on, ${howTo}`, fields: { admin_api: 'off' } };
}

export function describeStartup(facts: StartupFacts): StartupLine[] {
  const store = describeStore(facts.store);
  const lines: StartupLine[] = [
    { level: 'info', message: `Sluice listening on ${facts.url}`, fields: { url: facts.url, config: facts.configFile ?? 'embedded default' } },
    {
      level: 'info',
      message: facts.consoleBuilt ? `console: ${facts.url}/ui/` : `console: ${facts.url}/ui/ (not built: run \`npm run build:web\`, or start with \`npm start\`, which builds it)`,
      fields: { console: `${facts.url}/ui/` },
    },
    { level: 'info', message: `store: ${store.kind} ${store.location}`, fields: { store: store.kind, store_location: store.location } },
  ];
  if (facts.redis !== undefined) {
    const redis = describeNetworkAddress(facts.redis);
    lines.push({ level: 'info', message: `shared state: ${redis.kind} ${redis.location}`, fields: { redis: redis.location } });
  }
  if (facts.channels.length === 0) {
    lines.push({ level: 'warn', message: 'no channels: every model call will fail until one is added (config `channels:` or the admin API)', fields: { channels: 0 } });
  }
  for (const channel of facts.channels) {
    const models = listChannelModels(channel);
    lines.push({ level: 'info', message: `channel ${channel.name} (${channel.type}): ${models.join(', ')}`, fields: { channel: channel.name, type: channel.type, models } });
  }
  lines.push(describeAdmin(facts));
  if (facts.keyless) {
    lines.push({
      level: 'warn',
      message: 'No client keys configured or stored: serving this machine only (loopback address, loopback Host, no cross-site Origin). Add `keys:` to the config (or create a key in the console) and restart to serve other hosts.',
      fields: { keyless: true },
    });
  }
  return lines;
}
