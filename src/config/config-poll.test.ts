import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.ts';
import { problemsThrownBy } from './__fixtures__/problems-thrown-by.ts';

const channels = 'channels: [{ name: a, type: echo, models: [m] }]';

function parse(text: string) {
  return parseConfig(`${channels}\n${text}`, { file: 'sluice.yaml', env: {} });
}

function problemsOf(text: string): readonly string[] {
  return problemsThrownBy(() => parse(text));
}

describe('config_poll_ms', () => {
  it('defaults to 2 s and takes 100 ms to 5 s', () => {
    expect(parse('').configPollMs).toBe(2000);
    expect(parse('config_poll_ms: 500').configPollMs).toBe(500);
    expect(parse('config_poll_ms: 5000').configPollMs).toBe(5000);
  });

  it('refuses a poll slower than the 5 s bound or faster than 100 ms, naming the field', () => {
    for (const value of ['10000', '50', '0', 'soon']) {
      const problems = problemsOf(`config_poll_ms: ${value}`);
      expect(problems.join('\n'), value).toMatch(/config_poll_ms/);
    }
  });
});
