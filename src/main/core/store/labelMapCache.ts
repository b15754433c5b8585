/**
 * A few decoded label maps kept in memory (the images being edited), each tagged with the stored
 * version it matches; a version mismatch (another process wrote, a replace happened) is a miss.
 */
export class LabelMapCache {
  private readonly entries = new Map<number, { key: string; labels: Uint8Array }>()

  constructor(private readonly capacity: number) {}

  get(imageId: number, key: string): Uint8Array | null {
    const e = this.entries.get(imageId)
    if (!e || e.key !== key) return null
    this.entries.delete(imageId) // refresh LRU position
    this.entries.set(imageId, e)
    return e.labels
  }

  /** The stored version the cached map matches, or null (lets a read skip the stored map on a hit). */
  keyOf(imageId: number): string | null {
    return this.entries.get(imageId)?.key ?? null
  }

  put(imageId: number, key: string, labels: Uint8Array): void {
    this.entries.delete(imageId)
    this.entries.set(imageId, { key, labels })
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
  }

  drop(imageId: number): void {
    this.entries.delete(imageId)
  }

  clear(): void {
    this.entries.clear()
  }
}
