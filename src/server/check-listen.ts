// Without client keys Sluice is an open relay to paid upstreams: it serves on loopback only.
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/** An error message when the listen address is not allowed, else undefined. */
export function checkListenAddress(host: string, keyCount: number): string | undefined {
  if (keyCount > 0 || isLoopbackHost(host)) return undefined;
  return `Refusing to listen on ${host} with no client keys configured: anyone who can reach it could spend your upstream credit. Add \`keys:\` to the config, or listen on 127.0.0.1.`;
}
