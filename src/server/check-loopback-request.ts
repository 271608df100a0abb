// Keyless Sluice is for one person on one machine. It listens on loopback only (check-listen.ts), but
// a web page on any site can still reach a loopback port through the visitor's browser: by a
// cross-site POST (a `text/plain` body needs no CORS preflight), or by DNS rebinding, where the
// attacker's own name resolves to 127.0.0.1 and the page then reads the answers as same-origin. So a
// keyless request must name a loopback host in `Host` and, when a browser says where it comes from
// (`Origin`, `Sec-Fetch-Site`), come from a loopback page. curl and the SDKs send no Origin.
// Sources: https://fetch.spec.whatwg.org/#cors-safelisted-request-header (text/plain needs no
// preflight); https://www.rfc-editor.org/rfc/rfc6761#section-6.3 (`localhost` and `*.localhost` are
// loopback names browsers resolve themselves); https://pkg.go.dev/net/http#CrossOriginProtection
// (the same Sec-Fetch-Site-then-Origin test).
import { GatewayError } from '../core/errors.ts';
import { isLoopbackHost } from './check-listen.ts';

/** A host name (no port; IPv6 with or without brackets) that can only mean this machine. */
export function isLoopbackName(name: string): boolean {
  const lower = name.toLowerCase();
  return isLoopbackHost(lower) || lower.endsWith('.localhost');
}

/** `Host` as a client sends it: a name or address with an optional port. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || host === '') return false;
  const bracketed = /^(\[[^\]]+\])(?::\d+)?$/.exec(host);
  if (bracketed?.[1] !== undefined) return isLoopbackName(bracketed[1]);
  const named = /^([^:]+)(?::\d+)?$/.exec(host);
  return named?.[1] !== undefined && isLoopbackName(named[1]);
}

/** An `Origin` of a page served from this machine (`null`, opaque origins, are not). */
export function isLoopbackOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackName(url.hostname);
}

export interface BrowserHeaders {
  host?: string | undefined;
  origin?: string | undefined;
  'sec-fetch-site'?: string | string[] | undefined;
}

/** Throws 403 unless the request names a loopback host and, if it comes from a page, a loopback page. */
export function checkLoopbackRequest(headers: BrowserHeaders): void {
  if (!isLoopbackHostHeader(headers.host)) {
    throw new GatewayError('host_not_allowed', 'This keyless Sluice only answers requests addressed to localhost, 127.0.0.1 or [::1].');
  }
  if (headers['sec-fetch-site'] === 'cross-site' || (headers.origin !== undefined && !isLoopbackOrigin(headers.origin))) {
    throw new GatewayError('origin_not_allowed', 'This keyless Sluice does not answer requests from web pages of other sites.');
  }
}
