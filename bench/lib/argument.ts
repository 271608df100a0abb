// A bench script's `--name value` argument from its command line, or undefined when not given.
export function argumentValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}
