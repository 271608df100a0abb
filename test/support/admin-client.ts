// A small fetch client for the admin API in end-to-end tests: the admin key on every call, the
// answer as status, headers and parsed JSON. Plain fetch on purpose: the admin API is plain HTTP.

export interface AdminAnswer {
  status: number;
  headers: Headers;
  // Tests read fields freely; the routes' shapes are asserted where they matter.
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export type AdminCall = (method: string, path: string, body?: unknown) => Promise<AdminAnswer>;

export function createAdminClient(baseUrl: string, adminKey: string | undefined): AdminCall {
  return async (method, path, body) => {
    const headers: Record<string, string> = adminKey === undefined ? {} : { authorization: `Bearer ${adminKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}/admin/api${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? {} : JSON.parse(text) };
  };
}

/** A field of an answer whose shape a test checks with `expect` anyway. */
export type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The `data` list of a list answer; [] when there is none. */
export function rowsOf(answer: AdminAnswer): Loose[] {
  const data: unknown = answer.body.data;
  return Array.isArray(data) ? data.filter((row): row is Loose => typeof row === 'object' && row !== null) : [];
}

/** Polls until `check` passes or the time is up: the request log is written in batches. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
