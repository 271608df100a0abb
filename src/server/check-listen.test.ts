import { describe, expect, it } from 'vitest';
import { checkListenAddress, isLoopbackHost } from './check-listen.ts';

describe('checkListenAddress', () => {
  it('allows loopback without keys', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(isLoopbackHost(host)).toBe(true);
    expect(checkListenAddress('127.0.0.1', 0)).toBeUndefined();
  });

  it('refuses any other host without keys, and allows it with keys', () => {
    expect(checkListenAddress('0.0.0.0', 0)).toMatch(/Refusing to listen on 0.0.0.0/);
    expect(checkListenAddress('192.168.1.5', 0)).toMatch(/keys/);
    expect(checkListenAddress('0.0.0.0', 1)).toBeUndefined();
  });
});
