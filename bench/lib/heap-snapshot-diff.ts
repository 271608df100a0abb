// What a heap holds in one snapshot that it did not in an earlier one of the same process: V8 keeps a
// heap object's snapshot id for its life, so the nodes of the second snapshot whose ids the first lacks
// are the objects made (and kept) in between: JavaScript heap objects only, as Node's own (embedder)
// nodes are numbered afresh in each snapshot. Grouped by what they are, with the async functions they
// belong to (a suspended async function is a `Generator` object with a `function` edge). Used by
// bench/inflight-heap.ts; the snapshot format is V8's (`v8.writeHeapSnapshot`, the `snapshot.meta` field lists).

export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeldGroup {
  /** `object:<constructor>`, `closure:<name>`, or the node's type (`array`, `string`, `hidden`, `code`…). */
  kind: string;
  count: number;
  bytes: number;
}

export interface HeapGrowth {
  groups: HeldGroup[];
  bytes: number;
  /** The suspended async functions among the new objects, by function name. */
  suspended: Map<string, number>;
}

/** The field offsets of a snapshot's node and edge records. */
function layoutOf(heap: HeapSnapshot) {
  const { node_fields: nodeFields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = heap.snapshot.meta;
  return {
    nodeWidth: nodeFields.length,
    type: nodeFields.indexOf('type'),
    name: nodeFields.indexOf('name'),
    id: nodeFields.indexOf('id'),
    size: nodeFields.indexOf('self_size'),
    edgeCount: nodeFields.indexOf('edge_count'),
    nodeTypes: nodeTypes[0],
    edgeWidth: edgeFields.length,
    edgeType: edgeFields.indexOf('type'),
    edgeName: edgeFields.indexOf('name_or_index'),
    edgeTo: edgeFields.indexOf('to_node'),
    edgeTypes: edgeTypes[0],
  };
}

/** One field of a node or edge record (0 past the end, which a well-formed snapshot never reaches). */
function field(records: readonly number[], index: number): number {
  return records[index] ?? 0;
}

/** What a node is: its constructor's or function's name for objects and closures, else its type. */
function kindAt(heap: HeapSnapshot, layout: ReturnType<typeof layoutOf>, offset: number): string {
  const type = layout.nodeTypes[field(heap.nodes, offset + layout.type)] ?? 'unknown';
  return type === 'object' || type === 'closure' ? `${type}:${heap.strings[field(heap.nodes, offset + layout.name)] ?? ''}` : type;
}

function idsOf(heap: HeapSnapshot): Set<number> {
  const layout = layoutOf(heap);
  const ids = new Set<number>();
  for (let offset = 0; offset < heap.nodes.length; offset += layout.nodeWidth) ids.add(field(heap.nodes, offset + layout.id));
  return ids;
}

/** The objects `after` holds that `before` (an earlier snapshot of the same process) did not, grouped, largest first. */
export function diffHeapSnapshots(before: HeapSnapshot, after: HeapSnapshot): HeapGrowth {
  const old = idsOf(before);
  const layout = layoutOf(after);
  const groups = new Map<string, HeldGroup>();
  const suspended = new Map<string, number>();
  let bytes = 0;
  let edge = 0;
  for (let offset = 0; offset < after.nodes.length; offset += layout.nodeWidth) {
    const edges = field(after.nodes, offset + layout.edgeCount);
    const firstEdge = edge;
    edge += edges * layout.edgeWidth;
    if (old.has(field(after.nodes, offset + layout.id))) continue;
    // Node's own (embedder) nodes and the snapshot's synthetic roots get new ids in every snapshot.
    const type = layout.nodeTypes[field(after.nodes, offset + layout.type)];
    if (type === 'native' || type === 'synthetic') continue;
    const kind = kindAt(after, layout, offset);
    const size = field(after.nodes, offset + layout.size);
    bytes += size;
    const group = groups.get(kind) ?? { kind, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += size;
    groups.set(kind, group);
    if (kind !== 'object:Generator') continue;
    for (let at = firstEdge; at < edge; at += layout.edgeWidth) {
      const edgeType = layout.edgeTypes[field(after.edges, at + layout.edgeType)];
      if ((edgeType === 'property' || edgeType === 'internal') && after.strings[field(after.edges, at + layout.edgeName)] === 'function') {
        const fn = kindAt(after, layout, field(after.edges, at + layout.edgeTo)).replace(/^closure:/, '') || '(anonymous)';
        suspended.set(fn, (suspended.get(fn) ?? 0) + 1);
      }
    }
  }
  return { groups: [...groups.values()].sort((left, right) => right.bytes - left.bytes), bytes, suspended };
}
