// Portkey's open-source gateway, installed for the benchmark only into bench/.targets/portkey/
// (git-ignored), never into Sluice's dependencies. @hono/node-server is pinned to 1.14.1 with an npm
// override: Portkey's streaming breaks with newer versions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const portkeyRange = '1.15.x';
export const honoNodeServerPin = '1.14.1';

export interface PortkeyInstall {
  folder: string;
  gatewayDir: string;
  startScript: string;
  version: string;
  honoNodeServer: string;
}

const manifest = {
  name: 'sluice-bench-portkey',
  private: true,
  description: 'Portkey gateway, installed by bench/run.ts for the benchmark only',
  dependencies: { '@portkey-ai/gateway': portkeyRange },
  overrides: { '@hono/node-server': honoNodeServerPin },
  // npm ≥ 11 asks before running install scripts; Portkey's postinstall is patch-package.
  allowScripts: { '@portkey-ai/gateway': true },
};

function installedVersion(folder: string, packageName: string): string | undefined {
  const file = join(folder, 'node_modules', packageName, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

function describe(folder: string): PortkeyInstall | undefined {
  const version = installedVersion(folder, '@portkey-ai/gateway');
  const honoNodeServer = installedVersion(folder, '@hono/node-server');
  const gatewayDir = join(folder, 'node_modules', '@portkey-ai', 'gateway');
  const startScript = join(gatewayDir, 'build', 'start-server.js');
  if (version === undefined || honoNodeServer === undefined || !existsSync(startScript)) return undefined;
  if (!version.startsWith('1.15.') || honoNodeServer !== honoNodeServerPin) return undefined;
  return { folder, gatewayDir, startScript, version, honoNodeServer };
}

/** Installs Portkey on first use (npm, into its own folder) and says what is installed. */
export function ensurePortkey(folder: string, log: (line: string) => void): PortkeyInstall {
  const ready = describe(folder);
  if (ready !== undefined) return ready;
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`installing @portkey-ai/gateway@${portkeyRange} (with @hono/node-server ${honoNodeServerPin}) into ${folder} …`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: folder, stdio: ['ignore', 'inherit', 'inherit'] });
  const installed = describe(folder);
  if (installed === undefined) throw new Error(`Portkey did not install as expected in ${folder}`);
  return installed;
}
