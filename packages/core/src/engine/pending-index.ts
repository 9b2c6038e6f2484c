/**
 * Whether any Pending taskgroup may be placed now, in O(1) amortized instead of a scan of every Pending
 * taskgroup (issue 11 §4: the engine asks on every tick and after every placement pass; with thousands of
 * taskgroups waiting out a restart back-off, the scan ran each time to its end).
 *
 * It holds the Pending taskgroups without a back-off (a set: any one is placeable at once) and those with one
 * (`notBefore`, epoch ms) in a min-heap by `notBefore`. The heap's entries are removed lazily: an entry whose
 * taskgroup left (or was re-added with another `notBefore`) is dropped when it reaches the top, and the heap
 * is rebuilt when stale entries outnumber live ones, so its size stays within twice the delayed ones.
 */
export class PendingIndex {
  /** Pending taskgroup ids without a back-off. */
  private readonly now = new Set<string>();
  /** Pending taskgroup id → its `notBefore`, for those with a back-off. */
  private readonly delayed = new Map<string, number>();
  /** `[notBefore, id]`, a binary min-heap by `notBefore`; may hold stale entries (see the class comment). */
  private heap: [number, string][] = [];

  /** Notes a Pending taskgroup (again: a re-add replaces what was noted for `id`). */
  add(id: string, notBefore: number | undefined): void {
    this.delete(id);
    if (notBefore === undefined) {
      this.now.add(id);
      return;
    }
    this.delayed.set(id, notBefore);
    this.push([notBefore, id]);
    if (this.heap.length > 2 * this.delayed.size + 64) this.rebuild();
  }

  /** Forgets `id` (no longer Pending, or removed). */
  delete(id: string): void {
    this.now.delete(id);
    this.delayed.delete(id);
  }

  /** Whether a Pending taskgroup may be placed at `at` (epoch ms): one without a back-off, or one that ended. */
  placeable(at: number): boolean {
    if (this.now.size > 0) return true;
    const earliest = this.earliest();
    return earliest !== undefined && earliest <= at;
  }

  /** The earliest `notBefore` of the delayed ones, dropping stale entries from the top. */
  private earliest(): number | undefined {
    while (this.heap.length > 0) {
      const [notBefore, id] = this.heap[0] as [number, string];
      if (this.delayed.get(id) === notBefore) return notBefore;
      this.pop();
    }
    return undefined;
  }

  private rebuild(): void {
    this.heap = [];
    for (const [id, notBefore] of this.delayed) this.push([notBefore, id]);
  }

  private push(entry: [number, string]): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as [number, string])[0] <= entry[0]) break;
      heap[i] = heap[parent] as [number, string];
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as [number, string];
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as [number, string])[0] < (heap[left] as [number, string])[0]
          ? right
          : left;
      if ((heap[child] as [number, string])[0] >= last[0]) break;
      heap[i] = heap[child] as [number, string];
      i = child;
    }
    heap[i] = last;
  }
}
