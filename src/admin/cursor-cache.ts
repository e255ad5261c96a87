// Remembers, per list query, the last row of each page served, so the next page (or a page
// revisited) starts from a key instead of an offset. Bounded: oldest entries fall out first.
export class CursorCache {
  private readonly entries = new Map<string, Record<string, unknown>>();

  constructor(private readonly capacity: number) {}

  get(query: string, offset: number): Record<string, unknown> | undefined {
    const key = `${offset}:${query}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(query: string, offset: number, cursor: Record<string, unknown>): void {
    const key = `${offset}:${query}`;
    this.entries.delete(key);
    this.entries.set(key, cursor);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
