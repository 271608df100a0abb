// A string cut from a bigger one, kept without the bigger one. V8 makes a `slice`/`substring` of 13
// or more characters a view into the string it was cut from (a SlicedString; shorter cuts are
// copied), so keeping the cut keeps the whole original alive: a stream that keeps each chunk's text,
// cut from the chunk's SSE event, would keep every event it ever read (docs/benchmarks.md "Held
// stream, round seven").

/** V8's SlicedString::kMinLength: shorter cuts are copies already. */
const shortestView = 13;

/**
 * `text` as a string of its own. Concatenating makes a pair (a ConsString) that `slice` flattens
 * into a new string before cutting from it, so the result refers to that copy, not to `text`'s parent.
 */
export function detachString(text: string): string {
  return text.length < shortestView ? text : ` ${text}`.slice(1);
}
