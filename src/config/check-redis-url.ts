// `redis: redis://[user:password@]host:port/db` (or `rediss://` for TLS): what is wrong with a
// Redis address, in words an operator can act on. The address is never echoed back: it may hold a
// password, and these messages go to logs.

const expectedShape = 'expected redis://[user:password@]host:port/db or rediss://… (TLS)';

/** Why `value` is not a usable Redis address; undefined when it is one. */
export function describeRedisUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return `not a URL: ${expectedShape}`;
  const url = new URL(value);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `the scheme is "${url.protocol.slice(0, -1)}": ${expectedShape}`;
  if (url.hostname === '') return `names no host: ${expectedShape}`;
  if (url.search !== '' || url.hash !== '') return 'has a query or a fragment, which Sluice does not read: give the database as the path (redis://host:6379/0)';
  const database = url.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d+$/.test(database)) return `the database after the host must be a number (redis://host:6379/0), got a path of ${String(database.length)} characters`;
  return undefined;
}

/** `redis` with a SQLite store: refused, with why. */
export const redisNeedsPostgres =
  'needs a PostgreSQL store (store: postgres://…): a SQLite store is one file used by one Sluice instance, so there is no second instance to share limits with; remove redis or move the store to PostgreSQL';

/** The address as it may be logged: the password replaced. */
export function maskRedisUrl(value: string): string {
  if (!URL.canParse(value)) return '<unparsable>';
  const url = new URL(value);
  if (url.password !== '') url.password = '***';
  return url.toString();
}
