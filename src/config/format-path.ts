// Field paths as users read them: `channels[0].capabilities["qwq-*"].stream`.

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && plainKey.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** `path: problem`, or just the problem when it concerns the whole document. */
export function describeAt(path: readonly PropertyKey[], problem: string): string {
  const where = formatPath(path);
  return where === '' ? problem : `${where}: ${problem}`;
}
