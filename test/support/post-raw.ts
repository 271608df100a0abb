// A plain `fetch` POST that returns the raw answer: status, headers and the exact body text.

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export async function postRaw(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export const helloMessages = [{ role: 'user', content: 'Say hello.' }];
