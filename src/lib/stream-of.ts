/** An iterable as an async stream, so in-memory data can take the same path as network data. */
export async function* streamOf<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
