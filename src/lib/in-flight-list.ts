// What is in flight right now, for a long-lived owner that adds and removes one entry per request: a
// doubly linked list of links, each made by `add` and handed back to `remove`.
//
// Not a Set: a long-lived Set lives in V8's old generation, and each add and delete that grows or
// shrinks it allocates a new hash table, which the old Set keeps alive through the next young-generation
// collection. Those tables went to the old generation and were freed only by a full collection: ~120 B a
// request, half of what a non-stream request left there, and full collections are part of the tail at
// concurrency 1 (docs/benchmarks.md "Round twenty-five"). A link is one young object that dies young once
// removed.

export interface InFlightLink<T> {
  readonly value: T;
  /** Neighbours while linked; both undefined once removed (removing it again does nothing). */
  previous: InFlightLink<T> | undefined;
  next: InFlightLink<T> | undefined;
}

export class InFlightList<T> {
  #first: InFlightLink<T> | undefined;

  /** Links `value` in; keep the link to remove it. */
  add(value: T): InFlightLink<T> {
    const link: InFlightLink<T> = { value, previous: undefined, next: this.#first };
    if (this.#first !== undefined) this.#first.previous = link;
    this.#first = link;
    return link;
  }

  /** Unlinks what `add` returned; a link already removed is left alone. */
  remove(link: InFlightLink<T>): void {
    if (link.previous === undefined && this.#first !== link) return;
    if (link.previous === undefined) this.#first = link.next;
    else link.previous.next = link.next;
    if (link.next !== undefined) link.next.previous = link.previous;
    link.previous = undefined;
    link.next = undefined;
  }

  /** The values in flight, newest first; removing the current one while iterating is safe. */
  *values(): IterableIterator<T> {
    let link = this.#first;
    while (link !== undefined) {
      const next = link.next;
      yield link.value;
      link = next;
    }
  }
}
