/** Per-value pixel counts of a label map (256 bins: every uint8 label value). */
export function classHistogram(label: ArrayLike<number>): Uint32Array {
  const h = new Uint32Array(256)
  for (let i = 0; i < label.length; i++) h[label[i] & 0xff]++
  return h
}

/** Label values present in the map, ascending. */
export function valuesPresent(label: ArrayLike<number>): number[] {
  const h = classHistogram(label)
  const out: number[] = []
  for (let v = 0; v < 256; v++) if (h[v]) out.push(v)
  return out
}

/** Values present in the map that are not in `allowed` (a 256-entry 0/1 table). */
export function valuesOutside(label: ArrayLike<number>, allowed: Uint8Array): number[] {
  // Fast path for the common case (all values valid): one lookup per pixel, no histogram.
  let bad = false
  for (let i = 0; i < label.length; i++) {
    if (!allowed[label[i]]) { bad = true; break }
  }
  return bad ? valuesPresent(label).filter((v) => !allowed[v]) : []
}
