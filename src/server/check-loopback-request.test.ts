import { describe, expect, it } from 'vitest';
import { checkLoopbackRequest, isLoopbackHostHeader, isLoopbackOrigin } from './check-loopback-request.ts';

describe('isLoopbackHostHeader', () => {
  it('accepts loopback names and addresses, with or without a port', () => {
    for (const host of ['localhost', 'localhost:8080', 'LOCALHOST', 'app.localhost:5173', '127.0.0.1', '127.9.9.9:80', '[::1]', '[::1]:8080']) {
      expect(isLoopbackHostHeader(host), host).toBe(true);
    }
  });

  it('refuses every other name, a missing Host, and look-alikes', () => {
    for (const host of [undefined, '', 'rebind.attacker.example', 'rebind.attacker.example:8080', 'localhost.attacker.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', 'localhost:80:80', '0.0.0.0']) {
      expect(isLoopbackHostHeader(host), String(host)).toBe(false);
    }
  });
});

describe('isLoopbackOrigin', () => {
  it('accepts pages served from this machine', () => {
    for (const origin of ['http://localhost:5173', 'https://localhost', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://app.localhost']) expect(isLoopbackOrigin(origin), origin).toBe(true);
  });

  it('refuses other sites, opaque origins and other schemes', () => {
    for (const origin of ['https://evil.example', 'null', 'file://', 'chrome-extension://abc', 'http://localhost.evil.example', 'not a url']) expect(isLoopbackOrigin(origin), origin).toBe(false);
  });
});

describe('checkLoopbackRequest', () => {
  it('lets curl-like requests (no Origin) and loopback pages through', () => {
    expect(() => {
      checkLoopbackRequest({ host: '127.0.0.1:8080' });
      checkLoopbackRequest({ host: 'localhost:8080', origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' });
    }).not.toThrow();
  });

  it('refuses a foreign Host with 403 host_not_allowed and a foreign page with 403 origin_not_allowed', () => {
    expect(() => {
      checkLoopbackRequest({ host: 'rebind.attacker.example' });
    }).toThrow(expect.objectContaining({ code: 'host_not_allowed', status: 403 }));
    expect(() => {
      checkLoopbackRequest({ host: '127.0.0.1', origin: 'https://evil.example' });
    }).toThrow(expect.objectContaining({ code: 'origin_not_allowed', status: 403 }));
    expect(() => {
      checkLoopbackRequest({ host: '127.0.0.1', 'sec-fetch-site': 'cross-site' });
    }).toThrow(expect.objectContaining({ code: 'origin_not_allowed' }));
  });
});
