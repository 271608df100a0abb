// Reads what is left of a body in the background and drops it: destroying a live undici body
// builds an AbortError with a stack trace for every stream, so the few bytes after `[DONE]` are
// read instead.
export function drainQuietly(iterator: AsyncIterator<Uint8Array>): void {
  const next = (): void => {
    iterator.next().then((read) => {
      if (read.done !== true) next();
    }, () => undefined);
  };
  next();
}
