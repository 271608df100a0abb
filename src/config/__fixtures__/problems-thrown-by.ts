// Test support for the config tests: the problems of the ConfigError `run` throws (a config error
// lists every problem at once); fails the test when it throws nothing or something else.
import { ConfigError } from '../config-error.ts';

export function problemsThrownBy(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
