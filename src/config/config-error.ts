// A bad config stops start-up: the error names the file, the path to the field and what is wrong.

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One readable line per problem, e.g. `sluice.yaml: channels[1].weight: expected a positive number, got -2`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** Prefix each `path: problem` line with the file it came from. */
export function createFileConfigError(file: string, problems: readonly string[]): ConfigError {
  return new ConfigError(problems.map((problem) => `${file}: ${problem}`));
}
