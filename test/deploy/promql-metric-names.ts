// The metric names a PromQL expression reads: string literals, label matchers (`{…}`), range and
// subquery brackets (`[5m]`, `[$__rate_interval]`), grouping label lists (`by (…)`, `without`, `on`,
// `ignoring`, `group_left`, `group_right`) and function calls are taken out, and what is left that
// looks like a metric name is one (https://prometheus.io/docs/prometheus/latest/querying/basics/).
// `{__name__="x"}` selectors are read too. Grafana variables (`$instance`) only occur inside matchers
// and ranges here, so they go with them.

const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/** Removes each balanced `open…close` group (strings already removed, so no quoting inside). */
function dropGroups(text: string, open: string, close: string, keep: (inside: string) => string): string {
  let result = '';
  let depth = 0;
  let inside = '';
  for (const character of text) {
    if (character === open) {
      depth += 1;
      if (depth === 1) continue;
    } else if (character === close && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        result += keep(inside);
        inside = '';
        continue;
      }
    }
    if (depth > 0) inside += character;
    else result += character;
  }
  if (depth !== 0) throw new Error(`PromQL: unbalanced ${open}${close} in ${text}`);
  return result;
}

export function readMetricNames(expression: string): string[] {
  const names = new Set<string>();
  // __name__ selectors before the strings go.
  for (const match of expression.matchAll(/__name__\s*=\s*"([^"]+)"/g)) names.add(match[1] ?? '');
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const withoutMatchers = dropGroups(withoutStrings, '{', '}', () => ' ');
  const withoutRanges = dropGroups(withoutMatchers, '[', ']', () => ' ');
  const withoutLabelLists = withoutRanges.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const match of withoutLabelLists.matchAll(/(?<![\w:.$])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, name = '', call] = match;
    if (call !== undefined || keywords.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}
