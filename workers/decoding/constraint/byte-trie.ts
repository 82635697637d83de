/**
 * A byte trie over every token's UTF-8 bytes, flattened into typed arrays.
 *
 * Walking it depth-first together with the grammar state visits each shared token prefix once and
 * drops whole subtrees at the first byte the grammar refuses, so a step touches a few hundred nodes
 * instead of testing 32k–150k tokens one by one. Built once per tokenizer.
 */

/** Immutable byte trie; node 0 is the root (the empty prefix). */
export interface ByteTrie {
  /** Number of nodes. */
  readonly nodeCount: number;
  /** CSR index of each node's children (sorted by byte); `childStart[nodeCount]` is the total. */
  readonly childStart: Int32Array;
  /** Edge label of each child entry. */
  readonly childByte: Uint8Array;
  /** Node id of each child entry. */
  readonly childNode: Int32Array;
  /** CSR index of the token ids whose bytes end exactly at each node. */
  readonly endStart: Int32Array;
  /** Token ids, grouped by the node where their bytes end. */
  readonly endIds: Int32Array;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Builds the trie of the non-null, non-empty entries of `tokenBytes` (index = token id).
 *
 * Sorting the byte strings first lets us lay the trie out directly in CSR form with one recursive
 * partition, without millions of intermediate Map objects for a 150k vocabulary.
 */
export function buildByteTrie(tokenBytes: readonly (Uint8Array | null)[]): ByteTrie {
  const ids: number[] = [];
  let totalBytes = 0;
  tokenBytes.forEach((bytes, id) => {
    if (bytes && bytes.length > 0) {
      ids.push(id);
      totalBytes += bytes.length;
    }
  });
  const bytesOf = (id: number): Uint8Array => tokenBytes[id] as Uint8Array;
  ids.sort((a, b) => compareBytes(bytesOf(a), bytesOf(b)) || a - b);

  // Upper bound on nodes: one per token byte, plus the root.
  const maxNodes = totalBytes + 1;
  const childStart = new Int32Array(maxNodes + 1);
  const childByte = new Uint8Array(maxNodes);
  const childNode = new Int32Array(maxNodes);
  const endStart = new Int32Array(maxNodes + 1);
  const endIds = new Int32Array(ids.length);
  // Children blocks and end blocks are written in node-id order, so CSR starts are filled as we go.
  let nodeCount = 1;
  let childFill = 0;
  let endFill = 0;

  // Nodes get ids in breadth-first order and are processed from a FIFO in that same order, so each
  // node's child block and end block are appended in id order (what CSR needs). No recursion:
  // byte-level vocabularies have tokens of hundreds of bytes.
  type Job = { node: number; lo: number; hi: number; depth: number };
  let queue: Job[] = [{ node: 0, lo: 0, hi: ids.length, depth: 0 }];
  let head = 0;
  while (head < queue.length) {
    const { node, lo, hi, depth } = queue[head++] as Job;
    let i = lo;
    endStart[node] = endFill;
    while (i < hi && bytesOf(ids[i] as number).length === depth) endIds[endFill++] = ids[i++] as number;
    childStart[node] = childFill;
    while (i < hi) {
      const b = bytesOf(ids[i] as number)[depth] as number;
      let j = i + 1;
      while (j < hi && bytesOf(ids[j] as number)[depth] === b) j++;
      const child = nodeCount++;
      childByte[childFill] = b;
      childNode[childFill] = child;
      childFill++;
      queue.push({ node: child, lo: i, hi: j, depth: depth + 1 });
      i = j;
    }
    // Free processed entries now and then so the queue does not hold the whole trie.
    if (head > 65536) {
      queue = queue.slice(head);
      head = 0;
    }
  }
  childStart[nodeCount] = childFill;
  endStart[nodeCount] = endFill;
  return {
    nodeCount,
    childStart: childStart.slice(0, nodeCount + 1),
    childByte: childByte.slice(0, childFill),
    childNode: childNode.slice(0, childFill),
    endStart: endStart.slice(0, nodeCount + 1),
    endIds,
  };
}

/** The child of `node` along `byte`, or -1. Binary search over the sorted children. */
export function trieChild(trie: ByteTrie, node: number, byte: number): number {
  let lo = trie.childStart[node] as number;
  let hi = (trie.childStart[node + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const b = trie.childByte[mid] as number;
    if (b === byte) return trie.childNode[mid] as number;
    if (b < byte) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
