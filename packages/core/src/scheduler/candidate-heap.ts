/**
 * A binary max-heap of offer candidates: highest `score` first, then lowest `tie`. Entries are snapshots: an
 * offer whose state changed gets a new entry with a new `epoch`, and readers drop entries whose epoch is no
 * longer the offer's (lazy deletion), so scores may move either way.
 */
export interface Candidate {
  readonly offer: number;
  readonly score: number;
  readonly tie: number;
  readonly epoch: number;
}

/** See the module comment. */
export class CandidateHeap {
  private readonly items: Candidate[];

  /** Heapifies `items` (taken over, O(n)). */
  constructor(items: Candidate[] = []) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  push(candidate: Candidate): void {
    this.items.push(candidate);
    this.up(this.items.length - 1);
  }

  /** The best entry, left in place. */
  peek(): Candidate | undefined {
    return this.items[0];
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top !== undefined && last !== undefined && items.length > 0) {
      items[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i] as Candidate;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as Candidate;
      if (!better(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i] as Candidate;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && better(items[right] as Candidate, items[left] as Candidate)) child = right;
      const c = items[child] as Candidate;
      if (!better(c, item)) break;
      items[i] = c;
      i = child;
    }
    items[i] = item;
  }
}

/** Whether `a` ranks before `b`: a higher score, or an equal score and a lower tie-break. */
export function better(a: Candidate, b: Candidate): boolean {
  return a.score > b.score || (a.score === b.score && a.tie < b.tie);
}
