// A body text that may or may not be JSON (an error answer: JSON, HTML from a proxy, plain text).

/** The JSON value of `text`; undefined when it is not JSON. */
export function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
