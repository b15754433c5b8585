/**
 * Thermal wand: one click grows a region over thermal intensity, with RGB edges as a barrier.
 * No model involved — hot people and engines are one click in thermal.
 *
 * Growth rule: a pixel joins when |thermal − seed| ≤ tolerance (absolute raw units, or a fraction
 * of the seed value in 'relative' mode) and, when an RGB edge map is given, its edge magnitude is
 * below `edgeThreshold`. Edge pixels that pass the thermal test and touch the region are added in
 * a final rim pass, so the barrier stops growth without eating the object's one-pixel outline.
 * Scanline flood fill over typed arrays; 4-connected. Pure TypeScript (no Node, no DOM).
 */

export type ThermalArray = Uint8Array | Uint16Array

export interface WandOptions {
  width: number
  height: number
  /** HW thermal values, 8 or 16 bit, row-major. */
  thermal: ThermalArray
  x: number
  y: number
  /** Allowed distance to the seed value: raw units ('absolute') or a fraction of the seed ('relative'). */
  tolerance: number
  toleranceMode?: 'absolute' | 'relative'
  /** HW edge magnitudes 0..255 (see rgbEdgeMagnitude); null/undefined = no barrier. */
  edges?: Uint8Array | null
  /** Edge magnitude at or above which growth stops. Default 40. */
  edgeThreshold?: number
  /** Stop growing once this many pixels are in the region (the result is then `truncated`). */
  maxArea?: number
}

export interface WandResult {
  /** HW, 1 inside the region. */
  mask: Uint8Array
  /** [x, y, width, height] of the region. */
  bbox: [number, number, number, number]
  area: number
  /** Seed value (mean of the 3x3 neighbourhood of the click) the tolerance is measured from. */
  seed: number
  truncated: boolean
}

/**
 * Sobel gradient magnitude of an HWC RGB image (3 channels), taken on luma, scaled so that a hard
 * black/white step reads 255: (|gx| + |gy|) / 4, clamped. Border pixels repeat their inner
 * neighbour, so an edge reaching the frame still closes off the region along the border.
 */
export function rgbEdgeMagnitude(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height
  const luma = new Uint8Array(n)
  for (let i = 0, s = 0; i < n; i++, s += 3) luma[i] = (rgb[s]! * 77 + rgb[s + 1]! * 150 + rgb[s + 2]! * 29) >> 8
  const out = new Uint8Array(n)
  for (let y = 1; y < height - 1; y++) {
    const r = y * width
    for (let x = 1; x < width - 1; x++) {
      const i = r + x
      const a = luma[i - width - 1]!, b = luma[i - width]!, c = luma[i - width + 1]!
      const d = luma[i - 1]!, f = luma[i + 1]!
      const g = luma[i + width - 1]!, h = luma[i + width]!, k = luma[i + width + 1]!
      const gx = c + 2 * f + k - a - 2 * d - g
      const gy = g + 2 * h + k - a - 2 * b - c
      const m = ((gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy)) >> 2
      out[i] = m > 255 ? 255 : m
    }
  }
  if (width >= 3 && height >= 3) {
    for (let y = 1; y < height - 1; y++) {
      out[y * width] = out[y * width + 1]!
      out[y * width + width - 1] = out[y * width + width - 2]!
    }
    out.copyWithin(0, width, 2 * width)
    out.copyWithin((height - 1) * width, (height - 2) * width, (height - 1) * width)
  }
  return out
}

/** Grows the region from (x, y). Throws RangeError when the click is outside the image. */
export function thermalWand(o: WandOptions): WandResult {
  const { width: W, height: H, thermal: T } = o
  if (T.length !== W * H) throw new RangeError(`thermal has ${T.length} values, expected ${W}x${H}`)
  const sx = Math.floor(o.x)
  const sy = Math.floor(o.y)
  if (!(sx >= 0 && sy >= 0 && sx < W && sy < H)) throw new RangeError(`click (${o.x}, ${o.y}) is outside the ${W}x${H} image`)
  if (o.edges && o.edges.length !== W * H) throw new RangeError(`edges has ${o.edges.length} values, expected ${W}x${H}`)

  let sum = 0
  let cnt = 0
  for (let yy = Math.max(0, sy - 1); yy <= Math.min(H - 1, sy + 1); yy++) {
    for (let xx = Math.max(0, sx - 1); xx <= Math.min(W - 1, sx + 1); xx++) {
      sum += T[yy * W + xx]!
      cnt++
    }
  }
  const seed = sum / cnt
  const tol = o.toleranceMode === 'relative' ? Math.abs(seed) * o.tolerance : o.tolerance
  const lo = seed - tol
  const hi = seed + tol
  const E = o.edges ?? null
  const thr = o.edgeThreshold ?? 40
  const maxArea = o.maxArea && o.maxArea > 0 ? o.maxArea : W * H

  const mask = new Uint8Array(W * H)
  // open(i): pixel may be entered and grown through.
  const open = (i: number): boolean => {
    if (mask[i] !== 0) return false
    const v = T[i]!
    return v >= lo && v <= hi && (E === null || E[i]! < thr)
  }

  let area = 0
  let minX = sx, maxX = sx, minY = sy, maxY = sy
  let truncated = false
  // Stack of seed pixels (indices); each pop fills one horizontal span and pushes spans above/below.
  let stack = new Int32Array(1024)
  let sp = 0
  const push = (i: number): void => {
    if (sp === stack.length) {
      const bigger = new Int32Array(stack.length * 2)
      bigger.set(stack)
      stack = bigger
    }
    stack[sp++] = i
  }
  // The seed always joins, even when it sits on an edge or outside its own neighbourhood's range.
  const seedIdx = sy * W + sx
  mask[seedIdx] = 2 // marker: seed placed, span not scanned yet
  push(seedIdx)

  outer: while (sp > 0) {
    const i = stack[--sp]!
    const y = (i / W) | 0
    const row = y * W
    if (mask[i] === 1) continue
    mask[i] = 0
    let l = i - row
    let r = l
    // extend left/right from i (i itself is accepted: it was tested when pushed, or it is the seed)
    while (l > 0 && open(row + l - 1)) l--
    while (r < W - 1 && open(row + r + 1)) r++
    let len = r - l + 1
    if (area + len > maxArea) {
      // keep the part nearest the pushed pixel so the region stays connected
      const keep = maxArea - area
      const c = i - row
      l = Math.max(l, Math.min(c, r - keep + 1))
      r = l + keep - 1
      len = keep
      truncated = true
    }
    mask.fill(1, row + l, row + r + 1)
    area += len
    if (l < minX) minX = l
    if (r > maxX) maxX = r
    if (y < minY) minY = y
    if (y > maxY) maxY = y
    if (area >= maxArea) {
      truncated = truncated || sp > 0
      break outer
    }
    for (let side = 0; side < 2; side++) {
      const ny = side === 0 ? y - 1 : y + 1
      if (ny < 0 || ny >= H) continue
      const nrow = ny * W
      let x = l
      while (x <= r) {
        if (open(nrow + x)) {
          push(nrow + x)
          mask[nrow + x] = 2 // queued; avoids pushing the same span twice
          x++
          while (x <= r && open(nrow + x)) x++
        } else x++
      }
    }
  }
  // Queued-but-unfilled markers (only left when truncated) are cleared.
  if (truncated) for (let i = 0; i < mask.length; i++) if (mask[i] === 2) mask[i] = 0

  if (E !== null && !truncated) {
    // Rim pass: edge pixels within tolerance that touch the grown region join it (no further growth).
    const x0 = Math.max(0, minX - 1), x1 = Math.min(W - 1, maxX + 1)
    const y0 = Math.max(0, minY - 1), y1 = Math.min(H - 1, maxY + 1)
    const add: number[] = []
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const i = y * W + x
        if (mask[i] !== 0 || E[i]! < thr) continue
        const v = T[i]!
        if (v < lo || v > hi) continue
        if ((x > 0 && mask[i - 1] === 1) || (x < W - 1 && mask[i + 1] === 1) || (y > 0 && mask[i - W] === 1) || (y < H - 1 && mask[i + W] === 1)) add.push(i)
      }
    }
    for (const i of add) {
      mask[i] = 1
      const x = i % W, y = (i / W) | 0
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    }
    area += add.length
  }
  return { mask, bbox: [minX, minY, maxX - minX + 1, maxY - minY + 1], area, seed, truncated }
}

/** Copies the bbox crop of a full-size mask (row-major, bbox [x, y, w, h]). */
export function cropMask(mask: Uint8Array, width: number, bbox: readonly [number, number, number, number]): Uint8Array {
  const [bx, by, bw, bh] = bbox
  const out = new Uint8Array(bw * bh)
  for (let y = 0; y < bh; y++) out.set(mask.subarray((by + y) * width + bx, (by + y) * width + bx + bw), y * bw)
  return out
}
