import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { sceneSeed, writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { decodeImage, readLabel, readMfnet4 } from '../../src/main/core/imaging/png'
import { removeDir, tempDir } from './helpers'

const W = 320, H = 240

function mean(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]
  return s / a.length
}

function std(a: ArrayLike<number>): number {
  const m = mean(a)
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2
  return Math.sqrt(s / a.length)
}

describe('generateScene', () => {
  it('is deterministic: same seed and options give identical bytes, another seed differs', () => {
    const a = generateScene(42, { width: W, height: H })
    const b = generateScene(42, { width: W, height: H })
    expect(Buffer.compare(Buffer.from(a.rgb), Buffer.from(b.rgb))).toBe(0)
    expect(Buffer.compare(Buffer.from(a.thermal), Buffer.from(b.thermal))).toBe(0)
    expect(Buffer.compare(Buffer.from(a.label), Buffer.from(b.label))).toBe(0)
    expect(Buffer.compare(Buffer.from(a.instances.buffer), Buffer.from(b.instances.buffer))).toBe(0)
    expect(a.objects).toEqual(b.objects)
    const c = generateScene(43, { width: W, height: H })
    expect(Buffer.compare(Buffer.from(a.label), Buffer.from(c.label))).not.toBe(0)
  })

  it('has the documented shapes and consistent labels/instances/objects', () => {
    const s = generateScene(7, { width: W, height: H })
    expect(s.rgb.length).toBe(W * H * 3)
    expect(s.thermal.length).toBe(W * H)
    expect(s.label.length).toBe(W * H)
    expect(s.instances).toBeInstanceOf(Uint16Array)
    const ids = new Set(s.objects.map((o) => o.id))
    expect(ids.size).toBe(s.objects.length)
    for (let i = 0; i < s.label.length; i++) {
      const id = s.instances[i]
      if (id === 0) {
        expect(s.label[i]).toBe(0)
      } else {
        const o = s.objects.find((x) => x.id === id)
        expect(o?.classIndex).toBe(s.label[i])
      }
    }
    for (const o of s.objects) {
      const [x, y, w, h] = o.bbox
      expect(x + w).toBeLessThanOrEqual(W)
      expect(y + h).toBeLessThanOrEqual(H)
      expect(o.area).toBeGreaterThan(0)
    }
  })

  it('shows every MFNet class over a small set, cars and people in most scenes', () => {
    const pixels = new Array(9).fill(0)
    let withCar = 0, withPerson = 0
    const n = 24
    for (let seed = 0; seed < n; seed++) {
      const s = generateScene(seed, { width: W, height: H })
      for (let i = 0; i < s.label.length; i++) pixels[s.label[i]]++
      if (s.objects.some((o) => o.classIndex === 1)) withCar++
      if (s.objects.some((o) => o.classIndex === 2)) withPerson++
    }
    for (let c = 1; c <= 8; c++) expect(pixels[c], `class ${c}`).toBeGreaterThan(200)
    expect(withCar / n).toBeGreaterThan(0.7)
    expect(withPerson / n).toBeGreaterThan(0.6)
  })

  it('gives thin classes a usable thickness (curves/guardrails ≥ 6 px tall at 640x480)', () => {
    let measured = 0
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const s = generateScene(seed, { width: 640, height: 480 })
      for (const cls of [4, 6]) {
        // Vertical run length of the class in the column through the middle of its bbox.
        const o = s.objects.find((x) => x.classIndex === cls && x.area > 2000)
        if (!o) continue
        let longest = 0
        for (let x = o.bbox[0]; x < o.bbox[0] + o.bbox[2]; x++) {
          let run = 0
          for (let y = 0; y < 480; y++) {
            run = s.label[y * 640 + x] === cls ? run + 1 : 0
            longest = Math.max(longest, run)
          }
        }
        expect(longest, `class ${cls} seed ${seed}`).toBeGreaterThanOrEqual(6)
        measured++
      }
    }
    expect(measured).toBeGreaterThanOrEqual(4)
  })

  it('makes night RGB much darker while thermal keeps the same heat signatures', () => {
    const day = generateScene(5, { width: W, height: H, night: false })
    const night = generateScene(5, { width: W, height: H, night: true })
    expect(day.night).toBe(false)
    expect(night.night).toBe(true)
    expect(mean(night.rgb)).toBeLessThan(mean(day.rgb) * 0.45)
    expect(Buffer.compare(Buffer.from(day.thermal), Buffer.from(night.thermal))).toBe(0)
    expect(Buffer.compare(Buffer.from(day.label), Buffer.from(night.label))).toBe(0)
  })

  it('gives people the hottest and cones the coldest object temperatures', () => {
    const sums = new Array(9).fill(0), counts = new Array(9).fill(0)
    for (let seed = 0; seed < 16; seed++) {
      const s = generateScene(seed, { width: W, height: H })
      for (let i = 0; i < s.label.length; i++) { sums[s.label[i]] += s.thermal[i]; counts[s.label[i]]++ }
    }
    const m = sums.map((v, i) => v / Math.max(1, counts[i]))
    expect(m[2]).toBeGreaterThan(0.75 * 255) // person
    expect(m[2]).toBeGreaterThan(m[1]) // person > car
    expect(m[1]).toBeGreaterThan(m[3]) // car > bike
    expect(m[7]).toBeLessThan(0.35 * 255) // cone cold
    expect(m[7]).toBeLessThan(m[0])
  })

  it('applies thermal offset, gain and gradient exactly as documented', () => {
    const base = generateScene(9, { width: W, height: H })
    const off = generateScene(9, { width: W, height: H, thermalOffset: 0.1 })
    const gain = generateScene(9, { width: W, height: H, thermalGain: 1.2 })
    const grad = generateScene(9, { width: W, height: H, thermalGradient: 0.2 })
    for (let i = 0; i < base.thermal.length; i += 7) {
      const b = base.thermal[i]
      if (b > 5 && b < 200) {
        expect(Math.abs(off.thermal[i] - b - 25.5)).toBeLessThanOrEqual(1)
        expect(Math.abs(gain.thermal[i] - b * 1.2)).toBeLessThanOrEqual(1.2)
      }
    }
    // Gradient: -g/2 at the left edge, +g/2 at the right edge (0.2 → ±25.5 grey levels).
    const diffAt = (x: number): number => {
      let s = 0
      for (let y = 0; y < H; y++) s += grad.thermal[y * W + x] - base.thermal[y * W + x]
      return s / H
    }
    expect(diffAt(0)).toBeCloseTo(-25.5, 0)
    expect(diffAt(W - 1)).toBeCloseTo(25.5, 0)
    expect(Buffer.compare(Buffer.from(base.rgb), Buffer.from(off.rgb))).toBe(0)
  })

  it('fog lowers RGB contrast and leaves labels and thermal alone', () => {
    const clear = generateScene(3, { width: W, height: H, night: false })
    const fog = generateScene(3, { width: W, height: H, night: false, fog: 0.6 })
    expect(std(fog.rgb)).toBeLessThan(std(clear.rgb) * 0.7)
    expect(Buffer.compare(Buffer.from(clear.label), Buffer.from(fog.label))).toBe(0)
    expect(Buffer.compare(Buffer.from(clear.thermal), Buffer.from(fog.thermal))).toBe(0)
  })

  it('misregistration shifts thermal by (dx, dy) relative to labels and RGB', () => {
    const a = generateScene(4, { width: W, height: H })
    const b = generateScene(4, { width: W, height: H, misregDx: 6, misregDy: -3 })
    expect(Buffer.compare(Buffer.from(a.label), Buffer.from(b.label))).toBe(0)
    expect(Buffer.compare(Buffer.from(a.rgb), Buffer.from(b.rgb))).toBe(0)
    let checked = 0
    for (let y = 0; y < H - 3; y++) {
      for (let x = 6; x < W; x++) {
        expect(b.thermal[y * W + x]).toBe(a.thermal[(y + 3) * W + (x - 6)])
        checked++
      }
    }
    expect(checked).toBeGreaterThan(W * H * 0.9)
    expect(Buffer.compare(Buffer.from(a.thermal), Buffer.from(b.thermal))).not.toBe(0)
  })
})

describe('writeSyntheticDataset', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await tempDir()
    await writeSyntheticDataset(dir, { count: 12, seed: 5, width: 160, height: 120, instances: true, nightShare: 0.5 })
  })
  afterAll(() => removeDir(dir))

  it('writes the MFNet official layout with 4-channel images and 1-channel labels', async () => {
    const train = (await readFile(join(dir, 'train.txt'), 'utf8')).trim().split('\n')
    const val = (await readFile(join(dir, 'val.txt'), 'utf8')).trim().split('\n')
    const test = (await readFile(join(dir, 'test.txt'), 'utf8')).trim().split('\n')
    const day = (await readFile(join(dir, 'test_day.txt'), 'utf8')).split('\n').filter(Boolean)
    const night = (await readFile(join(dir, 'test_night.txt'), 'utf8')).split('\n').filter(Boolean)
    expect([train.length, val.length, test.length]).toEqual([6, 3, 3])
    const all = [...train, ...val, ...test]
    expect(new Set(all).size).toBe(12)
    expect([...day, ...night].sort()).toEqual([...test].sort())
    for (const n of all) expect(n).toMatch(/^\d{5}[DN]$/)
    // Pixels equal the in-memory scene for the same seed.
    const name = all.sort()[0]
    const scene = generateScene(sceneSeed(5, 0), { width: 160, height: 120, nightShare: 0.5 })
    expect(name).toBe(`00001${scene.night ? 'N' : 'D'}`)
    const img = await readMfnet4(join(dir, 'images', `${name}.png`))
    expect(Buffer.compare(Buffer.from(img.rgb), Buffer.from(scene.rgb))).toBe(0)
    expect(Buffer.compare(Buffer.from(img.thermal), Buffer.from(scene.thermal))).toBe(0)
    const label = await readLabel(join(dir, 'labels', `${name}.png`))
    expect(Buffer.compare(Buffer.from(label.data), Buffer.from(scene.label))).toBe(0)
    const inst = await decodeImage(join(dir, 'instances', `${name}.png`))
    expect([inst.channels, inst.bitDepth]).toEqual([1, 16])
    expect(Array.from(inst.data)).toEqual(Array.from(scene.instances))
  })
})
