/**
 * float32 ⇄ IEEE float16 for the feature cache (halves its size; features are activations whose
 * relative precision of ~1e-3 is far below what adapter training notices). Round-to-nearest-even
 * through a bit-exact scalar routine; decode through a 64K lookup table. No per-value objects.
 */
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

export function toHalfBits(v: number): number {
  f32[0] = v
  const x = u32[0]!
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0) // inf / nan
  let e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00 // overflow → inf
  if (e <= 0) {
    if (e < -10) return sign // underflow → ±0
    mant |= 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    let m = mant >>> shift
    const rest = mant & ((1 << shift) - 1)
    if (rest > half || (rest === half && (m & 1))) m++
    return sign | m
  }
  let m = mant >>> 13
  const rest = mant & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++
    if (m === 0x400) { m = 0; e++ }
    if (e >= 0x1f) return sign | 0x7c00
  }
  return sign | (e << 10) | m
}

let table: Float32Array | null = null
function decodeTable(): Float32Array {
  if (table) return table
  table = new Float32Array(65536)
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1
    const e = (h >>> 10) & 0x1f
    const m = h & 0x3ff
    table[h] = e === 0 ? s * m * 2 ** -24 : e === 0x1f ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15)
  }
  return table
}

/**
 * Vector encode. Values in half's normal range take an integer fast path (rebias the exponent,
 * round to nearest even on the 13 dropped bits: a carry into the exponent is the correct result,
 * up to infinity); zeros, subnormals, overflow and NaN go through toHalfBits.
 */
export function encodeHalf(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length)
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i]!
    const e = (x >>> 23) & 0xff
    if (e > 112 && e < 143) {
      let v = (x & 0x7fffffff) - 0x38000000
      v = (v + 0xfff + ((v >>> 13) & 1)) >>> 13
      out[i] = ((x >>> 16) & 0x8000) | (v > 0x7c00 ? 0x7c00 : v)
    } else {
      out[i] = toHalfBits(src[i]!)
    }
  }
  return out
}

export function decodeHalf(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const t = decodeTable()
  for (let i = 0; i < src.length; i++) out[i] = t[src[i]!]!
  return out
}
