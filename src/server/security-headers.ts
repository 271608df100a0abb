// The browser-facing hardening of the console (/ui) and the admin API: a Content-Security-Policy that
// allows only Sluice's own built files, no framing by any site (clickjacking), no MIME sniffing, and
// no Referer leaking a console URL. Set before anything else runs, so errors carry them too.
// Header meanings: https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
import type { FastifyReply } from 'fastify';

/**
 * The built console (web/dist) is one script and one stylesheet from /ui/assets, a data: URI icon,
 * and fetches to the same origin. React sets inline styles through the CSSOM, which style-src does
 * not govern, so no 'unsafe-inline' is needed.
 */
export const consoleContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON answers load nothing at all. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

const commonHeaders: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const consoleSecurityHeaders: Readonly<Record<string, string>> = { ...commonHeaders, 'content-security-policy': consoleContentSecurityPolicy };

export const apiSecurityHeaders: Readonly<Record<string, string>> = { ...commonHeaders, 'content-security-policy': apiContentSecurityPolicy };

export function setSecurityHeaders(reply: FastifyReply, headers: Readonly<Record<string, string>>): void {
  void reply.headers(headers);
}
