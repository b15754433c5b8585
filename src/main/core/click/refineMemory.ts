/**
 * SAM's iterative refinement: the low-res logits of recent prompts, so that a prompt which adds one
 * click to an earlier one (a corrective click) is decoded with the earlier mask as mask_input, as
 * segment-anything's and SAM2's own predictors do. Keyed by embedding key and the exact prompt;
 * hover previews are prompts too, so the click that follows a hover finds the same predecessor.
 */
import type { PromptBox, PromptPoint } from './promptModel'

const promptKey = (embKey: string, points: readonly PromptPoint[], box: PromptBox | undefined): string =>
  `${embKey}|${points.map((p) => `${p.x},${p.y},${p.label}`).join(';')}|${box ? `${box.x0},${box.y0},${box.x1},${box.y1}` : ''}`

export class RefineMemory {
  private readonly items = new Map<string, Float32Array>()

  /** At 256x256 float logits an entry is 256 kB: a handful of prompts per image is enough. */
  constructor(private readonly cap = 16) {}

  /** The mask of this prompt without its last click (undefined for a first click or an unknown prefix). */
  previous(embKey: string, points: readonly PromptPoint[], box: PromptBox | undefined): Float32Array | undefined {
    if (points.length === 0 || (points.length === 1 && !box)) return undefined
    const k = promptKey(embKey, points.slice(0, -1), box)
    const v = this.items.get(k)
    if (v) {
      this.items.delete(k) // most recently used last
      this.items.set(k, v)
    }
    return v
  }

  remember(embKey: string, points: readonly PromptPoint[], box: PromptBox | undefined, lowRes: Float32Array | undefined): void {
    if (!lowRes) return
    const k = promptKey(embKey, points, box)
    this.items.delete(k)
    this.items.set(k, lowRes)
    while (this.items.size > this.cap) this.items.delete(this.items.keys().next().value!)
  }

  clear(): void {
    this.items.clear()
  }
}
