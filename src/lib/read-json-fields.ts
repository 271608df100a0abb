// A message from another instance (a NOTIFY payload, a Redis pub/sub message) read as a JSON
// object's fields; undefined for text that is not JSON or not an object — never a throw, since
// whatever sent it is outside this process.

export function readJsonFields(payload: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}
