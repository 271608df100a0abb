import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { defaultAlertDelivery } from './defaults.ts';
import { parseConfig } from './parse-config.ts';

const channels = 'channels:\n  - { name: echo, type: echo, models: ["*"] }\n';

function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, { file: 'sluice.yaml', env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('alerts in the config', () => {
  it('fills in the window, volume, hold, channels, format and delivery defaults', () => {
    const config = parseConfig(`${channels}alerts:\n  - name: errors\n    when: { error_rate: 0.02 }\n    notify: [{ url: "http://127.0.0.1:9/hook" }]\n`, { file: 'sluice.yaml', env: {} });
    expect(config.alerts.rules).toEqual([{
      name: 'errors',
      when: { kind: 'error_rate', errorRate: 0.02, windowMs: 300_000, minRequests: 20 },
      channels: ['*'],
      notify: [{ url: 'http://127.0.0.1:9/hook', format: 'generic', secret: undefined }],
      holdMs: 60_000,
    }]);
    expect(config.alerts.delivery).toEqual(defaultAlertDelivery);
  });

  it('has no rules when none are configured', () => {
    expect(parseConfig(channels, { file: 'sluice.yaml', env: {} }).alerts.rules).toEqual([]);
  });

  it('refuses a rule with neither condition, an unknown format, and a rate above 1', () => {
    const problems = problemsOf(`${channels}alerts:\n  - { name: a, when: {} }\n  - { name: b, when: { error_rate: 0.1 }, notify: [{ url: "http://x/", format: teams }] }\n  - { name: c, when: { error_rate: 2 } }\n`).join('\n');
    expect(problems).toContain('expected either error_rate or breaker_open: true');
    expect(problems).toContain('expected one of generic, slack, feishu, dingtalk, wecom');
    expect(problems).toContain('expected a number above 0 and at most 1');
  });
});
