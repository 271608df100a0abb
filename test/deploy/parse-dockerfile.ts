// Reads a Dockerfile into stages of instructions, enough for test/deploy/ to check its files and run
// its steps without a container engine: comments and line continuations as the Dockerfile reference
// defines them (https://docs.docker.com/reference/dockerfile/#format), exec form (JSON arrays) and
// shell form, and a `--flag=value` prefix on COPY and RUN (`--from=build`, `--mount=type=cache,…`).

export interface Instruction {
  keyword: string;
  /** Leading `--name=value` options (COPY --from, RUN --mount, HEALTHCHECK --interval, …). */
  flags: Record<string, string>;
  /** Exec form: the JSON array's items; shell form: the text split on whitespace. */
  args: string[];
  /** The text after the keyword and the flags, as written (joined continuation lines). */
  text: string;
  /** Exec form (`["node", "x.js"]`) rather than shell form. */
  exec: boolean;
}

export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

function joinContinuations(source: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of source.split(/\r?\n/)) {
    if (/^\s*#/.test(raw)) continue;
    const continued = /\\\s*$/.test(raw);
    pending += continued ? raw.replace(/\\\s*$/, ' ') : raw;
    if (continued) continue;
    if (pending.trim() !== '') lines.push(pending.trim());
    pending = '';
  }
  if (pending.trim() !== '') lines.push(pending.trim());
  return lines;
}

function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** HEALTHCHECK's own options come before its `CMD`; the command is parsed like a CMD. */
function parseInstruction(line: string): Instruction {
  const keyword = line.split(/\s+/, 1)[0] ?? '';
  let rest = line.slice(keyword.length).trim();
  const flags: Record<string, string> = {};
  for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest); flag !== null; flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest)) {
    flags[flag[1] ?? ''] = flag[2] ?? '';
    rest = rest.slice(flag[0].length);
  }
  if (keyword.toUpperCase() === 'HEALTHCHECK' && /^CMD\s/i.test(rest)) rest = rest.slice(3).trim();
  const json = parseJsonArray(rest);
  return { keyword: keyword.toUpperCase(), flags, args: json ?? rest.split(/\s+/).filter((word) => word !== ''), text: rest, exec: json !== undefined };
}

export function parseDockerfile(source: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of joinContinuations(source)) {
    const instruction = parseInstruction(line);
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args;
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`Dockerfile: ${instruction.keyword} before the first FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

/** The last value of a keyword in a stage (CMD, USER, HEALTHCHECK, WORKDIR): later ones win. */
export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

/** COPY's sources and destination (the last argument). */
export function copyPaths(instruction: Instruction): { sources: string[]; destination: string } {
  const destination = instruction.args.at(-1) ?? '';
  return { sources: instruction.args.slice(0, -1), destination };
}
