/**
 * COCO run-length encoding of binary masks. COCO RLE runs over the mask in column-major
 * (Fortran) order and starts with a run of zeros (possibly empty). `counts` is always
 * available as a number array; the compressed string form of pycocotools' maskApi
 * (rleToString / rleFrString) is provided for COCO JSON files.
 */

export interface Rle {
  /** [height, width], COCO order. */
  size: [number, number]
  counts: number[]
}

export interface CompressedRle {
  size: [number, number]
  counts: string
}

/** Encodes pixels where `label[i] === value` (row-major HW input) as COCO RLE. */
export function encodeRleForValue(label: ArrayLike<number>, width: number, height: number, value: number): Rle {
  return encodeRleWhere(label, width, height, (v) => v === value)
}

/** Encodes a 0/non-0 mask (row-major HW) as COCO RLE. */
export function encodeRle(mask: ArrayLike<number>, width: number, height: number): Rle {
  return encodeRleWhere(mask, width, height, (v) => v !== 0)
}

/**
 * Encodes pixels where `inside(data[i])` holds. `columns` limits the scan to [x0, x1) when the
 * caller knows the mask's bbox (the other columns count as zeros), which keeps per-component
 * encoding of a whole image linear in the components' extents instead of image x components.
 */
export function encodeRleWhere(
  data: ArrayLike<number>, width: number, height: number, inside: (v: number) => boolean, columns?: [number, number]
): Rle {
  if (data.length !== width * height) throw new Error(`mask has ${data.length} pixels, expected ${width}x${height}`)
  const x0 = Math.max(0, columns?.[0] ?? 0)
  const x1 = Math.min(width, columns?.[1] ?? width)
  const counts: number[] = []
  let current = false
  let run = x0 * height
  for (let x = x0; x < x1; x++) {
    for (let i = x, end = x + width * height; i < end; i += width) {
      const v = inside(data[i])
      if (v !== current) {
        counts.push(run)
        run = 0
        current = v
      }
      run++
    }
  }
  const tail = (width - x1) * height
  if (current && tail > 0) {
    counts.push(run)
    run = tail
  } else {
    run += tail
  }
  counts.push(run)
  return { size: [height, width], counts }
}

/** Decodes to a row-major HW mask of 0/1. */
export function decodeRle(rle: Rle | CompressedRle): Uint8Array {
  const [height, width] = rle.size
  const counts = typeof rle.counts === 'string' ? rleCountsFromString(rle.counts) : rle.counts
  const out = new Uint8Array(width * height)
  const total = width * height
  let pos = 0 // column-major position
  let v = 0
  for (const c of counts) {
    if (pos + c > total) throw new Error(`RLE runs cover ${pos + c} pixels, mask has ${total}`)
    if (v === 1) {
      for (let k = pos; k < pos + c; k++) {
        const x = Math.floor(k / height)
        const y = k - x * height
        out[y * width + x] = 1
      }
    }
    pos += c
    v ^= 1
  }
  if (pos !== total) throw new Error(`RLE runs cover ${pos} pixels, mask has ${total}`)
  return out
}

export function rleArea(rle: Rle): number {
  let a = 0
  for (let i = 1; i < rle.counts.length; i += 2) a += rle.counts[i]
  return a
}

/** Bounding box [x, y, w, h] of an RLE mask (COCO order); [0,0,0,0] when empty. */
export function rleBbox(rle: Rle): [number, number, number, number] {
  const h = rle.size[0]
  let pos = 0
  let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1
  for (let i = 0; i < rle.counts.length; i++) {
    const c = rle.counts[i]
    if (i % 2 === 1 && c > 0) {
      const x0 = Math.floor(pos / h), y0 = pos - x0 * h
      const last = pos + c - 1
      const x1 = Math.floor(last / h), y1 = last - x1 * h
      minX = Math.min(minX, x0)
      maxX = Math.max(maxX, x1)
      if (x1 > x0) {
        // Spans a column boundary: reaches the bottom of column x0 and the top of column x1.
        minY = 0
        maxY = h - 1
      } else {
        minY = Math.min(minY, y0)
        maxY = Math.max(maxY, y1)
      }
    }
    pos += c
  }
  if (maxX < 0) return [0, 0, 0, 0]
  return [minX, minY, maxX - minX + 1, maxY - minY + 1]
}

/** pycocotools rleToString: delta + LEB128-like 5-bit groups offset by 48. */
export function rleCountsToString(counts: readonly number[]): string {
  let s = ''
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]
    if (i > 2) x -= counts[i - 2]
    let more = true
    while (more) {
      let c = x & 0x1f
      x >>= 5
      more = c & 0x10 ? x !== -1 : x !== 0
      if (more) c |= 0x20
      s += String.fromCharCode(c + 48)
    }
  }
  return s
}

/** pycocotools rleFrString. Uses arithmetic (not 32-bit shifts) so long groups stay exact. */
export function rleCountsFromString(s: string): number[] {
  const counts: number[] = []
  let p = 0
  while (p < s.length) {
    let x = 0
    let k = 0
    let more = true
    let c = 0
    while (more) {
      if (p >= s.length) throw new Error('truncated RLE string')
      c = s.charCodeAt(p) - 48
      x += (c & 0x1f) * 2 ** (5 * k)
      more = (c & 0x20) !== 0
      p++
      k++
    }
    if (c & 0x10) x -= 2 ** (5 * k)
    if (counts.length > 2) x += counts[counts.length - 2]
    counts.push(x)
  }
  return counts
}

export function compressRle(rle: Rle): CompressedRle {
  return { size: [rle.size[0], rle.size[1]], counts: rleCountsToString(rle.counts) }
}
