import { describe, expect, it } from 'vitest'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { encodeGrey16Png, encodeLabelPng, encodeMfnet4Png, encodeRgbPng } from '../../src/main/core/imaging/png'
import { importDataset } from '../../src/main/core/datasets/import'
import { MemorySink } from '../../src/main/core/datasets/sink'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
const N = 1000
const W = 16
const H = 12

function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

/** A PNG whose header claims huge dimensions (valid CRCs), to test decoders' pixel limits. */
function hugeHeaderPng(): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(60000, 0)
  ihdr.writeUInt32BE(60000, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(td) >>> 0)
    return Buffer.concat([len, td, crc])
  }
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))])
}

const DEFECTS = ['ok', 'truncated', 'flipped', 'empty', 'notpng', 'huge', 'label3ch', 'label16', 'labelValues', 'sizeMismatch', 'missingLabel', 'missingImage', 'symlinkLoop', 'rgbOnly3ch'] as const

describe('dataset fuzzing', () => {
  it(`imports ${N} generated items with random defects: every bad one reported by file, no crash`, async () => {
    const root = tmp()
    mkdirSync(join(root, 'images'))
    mkdirSync(join(root, 'labels'))
    const r = rng(1234)
    const rgb = new Uint8Array(W * H * 3).map((_, i) => (i * 37) & 255)
    const th = new Uint8Array(W * H).map((_, i) => (i * 11) & 255)
    const good = await encodeMfnet4Png(rgb, th, W, H)
    const label = await encodeLabelPng(new Uint8Array(W * H).map((_, i) => i % 9), W, H)
    const label3 = await encodeRgbPng(rgb, W, H)
    const label16 = await encodeGrey16Png(new Uint16Array(W * H).fill(300), W, H)
    const badValues = await encodeLabelPng(new Uint8Array(W * H).fill(200), W, H)
    const smaller = await encodeMfnet4Png(rgb.subarray(0, 8 * 6 * 3), th.subarray(0, 48), 8, 6)
    const rgb3 = await encodeRgbPng(rgb, W, H)
    const huge = hugeHeaderPng()
    const names: string[] = []
    const expectedBad = new Map<string, string>()
    for (let i = 0; i < N; i++) {
      const name = `f${String(i).padStart(4, '0')}`
      names.push(name)
      const defect = r() < 0.3 ? 'ok' : DEFECTS[1 + Math.floor(r() * (DEFECTS.length - 1))]!
      const img = join(root, 'images', `${name}.png`)
      const lab = join(root, 'labels', `${name}.png`)
      let imgBytes: Buffer | null = good
      let labBytes: Buffer | null = label
      switch (defect) {
        case 'truncated': imgBytes = good.subarray(0, 8 + Math.floor(r() * (good.length - 20))); break
        case 'flipped': { imgBytes = Buffer.from(good); const k = 40 + Math.floor(r() * (good.length - 60)); imgBytes[k] = imgBytes[k]! ^ 0xff; break }
        case 'empty': imgBytes = Buffer.alloc(0); break
        case 'notpng': imgBytes = Buffer.from('GIF89a this is not a png at all'); break
        case 'huge': imgBytes = huge; break
        case 'label3ch': labBytes = label3; break
        case 'label16': labBytes = label16; break
        case 'labelValues': labBytes = badValues; break
        case 'sizeMismatch': imgBytes = smaller; break
        case 'missingLabel': labBytes = null; break
        case 'missingImage': imgBytes = null; break
        case 'symlinkLoop': imgBytes = null; symlinkSync(img, img); break
        case 'rgbOnly3ch': imgBytes = rgb3; break
      }
      if (imgBytes) writeFileSync(img, imgBytes)
      if (labBytes) writeFileSync(lab, labBytes)
      if (defect !== 'ok') expectedBad.set(name, defect)
    }
    // Split file with names that try to escape the root, and duplicates of real names.
    writeFileSync(join(root, 'train.txt'), [...names, '../../etc/passwd', '..', 'images/../../x', ''].join('\n'))
    writeFileSync(join(root, 'val.txt'), '')
    writeFileSync(join(root, 'test.txt'), '')

    const sink = new MemorySink(false)
    const result = await importDataset(root, { format: 'mfnet', concurrency: 4 }, sink)
    const importedNames = new Set(sink.images.map((i) => i.rec.name))
    const reported = result.problems.map((p) => `${p.file}: ${p.reason}`).join('\n')
    // Every defect that a loader must catch is reported by file name and not imported.
    const caught: Record<string, number> = {}
    const missed: string[] = []
    for (const [name, defect] of expectedBad) {
      if (defect === 'missingLabel') continue // an image without a label is a valid unlabelled image
      if (importedNames.has(name)) {
        missed.push(`${name} (${defect})`)
        continue
      }
      expect(reported, `${name} (${defect})`).toContain(name) // the file, or the split-file entry naming it
      caught[defect] = (caught[defect] ?? 0) + 1
    }
    // Every kind above must be caught (a flipped byte anywhere breaks a chunk CRC).
    expect(missed).toEqual([])
    for (const p of result.problems) {
      expect(p.reason.length).toBeGreaterThan(5)
      expect(p.file).not.toMatch(/etc\/passwd$/) // never opened outside the root
    }
    for (const bad of ['../../etc/passwd', '..', 'images/../../x']) {
      expect(result.problems.some((p) => p.file === 'train.txt' && p.reason.includes(`"${bad}" is not a plain file name`)), bad).toBe(true)
    }
    const okCount = [...names].filter((n) => !expectedBad.has(n) || expectedBad.get(n) === 'missingLabel').length
    expect(sink.images.length).toBe(okCount)
    console.log(`dataset fuzz: ${N} items, ${sink.images.length} imported, ${result.problems.length} problems reported; caught per defect ${JSON.stringify(caught)}`)
  }, 300_000)
})
