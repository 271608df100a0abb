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
      models: undefined,
      keys: ['*'],
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
    expect(problems).toContain('expected exactly one condition: error_rate, p95_ms, breaker_open, keys_set_aside, quota_left_below, shared_state_degraded');
    expect(problems).toContain('expected one of generic, slack, feishu, dingtalk, wecom');
    expect(problems).toContain('expected a number above 0 and at most 1');
  });

  it('reads every rule kind, with models instead of channels and keys for quotas', () => {
    const config = parseConfig(`${channels}alerts:
  - { name: m, when: { error_rate: 0.1, window_s: 60, min_requests: 5 }, models: ["gpt-4o*"] }
  - { name: p, when: { p95_ms: 2500 }, channels: [echo] }
  - { name: k, when: { keys_set_aside: 2 } }
  - { name: q, when: { quota_left_below: 0.1 }, keys: ["team-*"] }
  - { name: s, when: { shared_state_degraded: true } }
`, { file: 'sluice.yaml', env: {} });
    expect(config.alerts.rules.map((rule) => ({ when: rule.when, channels: rule.channels, models: rule.models, keys: rule.keys }))).toEqual([
      { when: { kind: 'error_rate', errorRate: 0.1, windowMs: 60_000, minRequests: 5 }, channels: ['*'], models: ['gpt-4o*'], keys: ['*'] },
      { when: { kind: 'p95_latency', p95Ms: 2500, windowMs: 300_000, minRequests: 20 }, channels: ['echo'], models: undefined, keys: ['*'] },
      { when: { kind: 'keys_set_aside', keys: 2 }, channels: ['*'], models: undefined, keys: ['*'] },
      { when: { kind: 'quota_left_below', fraction: 0.1 }, channels: ['*'], models: undefined, keys: ['team-*'] },
      { when: { kind: 'shared_state_degraded' }, channels: ['*'], models: undefined, keys: ['*'] },
    ]);
  });

  it('refuses two conditions in one rule, a window without a rate or latency, models on a breaker rule, and keys off a quota rule', () => {
    const problems = problemsOf(`${channels}alerts:
  - { name: a, when: { error_rate: 0.1, p95_ms: 100 } }
  - { name: b, when: { keys_set_aside: 1, window_s: 60 } }
  - { name: c, when: { breaker_open: true }, models: ["*"] }
  - { name: d, when: { error_rate: 0.1 }, models: ["*"], channels: ["*"] }
  - { name: e, when: { p95_ms: 100 }, keys: ["*"] }
`).join('\n');
    expect(problems).toContain('alerts[0].when: expected exactly one condition');
    expect(problems).toContain('alerts[1].when: window_s and min_requests go with error_rate or p95_ms');
    expect(problems).toContain('alerts[2]: models goes with error_rate or p95_ms, instead of channels');
    expect(problems).toContain('alerts[3]: models goes with error_rate or p95_ms, instead of channels');
    expect(problems).toContain('alerts[4]: keys goes with quota_left_below');
  });
});
