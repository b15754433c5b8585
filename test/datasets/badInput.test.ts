/**
 * One fixture per bad-input kind. Each gets its own problem naming the file; the rest imports.
 * Fixtures start from a generated CMX-layout set (separate files make each breakage possible).
 */
import { mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { beforeAll, afterAll, describe, expect, it } from 'vitest'
import { detectFormat, UnknownLayoutError } from '../../src/main/core/datasets/detect'
import { importDataset } from '../../src/main/core/datasets/import'
import { scanDataset } from '../../src/main/core/datasets/scan'
import { MemorySink } from '../../src/main/core/datasets/sink'
import { encodeGrey8Png, encodeLabelPng, encodeRgbPng } from '../../src/main/core/imaging/png'
import { makeLayout, removeDir, tempDir } from './helpers'

let work = ''
let base = ''
let names: string[] = []
beforeAll(async () => {
  work = await tempDir()
  base = join(work, 'base')
  await makeLayout(base, 'mfnet-cmx', undefined, undefined, 8)
  names = (await scanDataset(base)).items.map((i) => i.name)
})
afterAll(() => removeDir(work))

/** Fresh copy of the base fixture with one file broken by `breakIt`. */
async function broken(tag: string, breakIt: (dir: string, name: string) => Promise<void>): Promise<{ dir: string; name: string }> {
  const dir = join(work, tag)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir)
  for (const sub of ['RGB', 'Modal', 'Label']) {
    await mkdir(join(dir, sub))
    for (const n of names) await writeFile(join(dir, sub, `${n}.png`), await readFile(join(base, sub, `${n}.png`)))
  }
  for (const f of ['train.txt', 'val.txt', 'test.txt']) await writeFile(join(dir, f), await readFile(join(base, f)))
  const name = names[2]
  await breakIt(dir, name)
  return { dir, name }
}

async function importAll(dir: string): Promise<{ imported: number; problems: { file: string; reason: string }[]; sink: MemorySink }> {
  const sink = new MemorySink()
  const res = await importDataset(dir, {}, sink)
  return { imported: res.imported, problems: res.problems, sink }
}

describe('bad input is reported per file and the rest imports', () => {
  it('RGB/thermal size mismatch', async () => {
    const { dir, name } = await broken('size', async (d, n) => {
      await writeFile(join(d, 'Modal', `${n}.png`), await encodeGrey8Png(new Uint8Array(80 * 60), 80, 60))
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `Modal/${name}.png`, reason: expect.stringMatching(/thermal size 80x60 differs from RGB 160x120/) }])
    expect(r.sink.images.map((i) => i.rec.name)).not.toContain(name)
  })

  it('missing partner file', async () => {
    const { dir, name } = await broken('partner', (d, n) => rm(join(d, 'Modal', `${n}.png`)))
    const r = await importAll(dir)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `RGB/${name}.png`, reason: expect.stringMatching(/missing thermal partner/) }])
  })

  it.each(['integrity', 'decode'] as const)('truncated PNG (pixel check: %s)', async (mode) => {
    const { dir, name } = await broken(`truncated-${mode}`, async (d, n) => {
      const f = join(d, 'RGB', `${n}.png`)
      const size = (await readFile(f)).length
      await truncate(f, Math.floor(size / 2))
    })
    const sink = new MemorySink()
    const r = await importDataset(dir, { pixelCheck: mode }, sink)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `RGB/${name}.png`, reason: expect.stringMatching(/truncated/) }])
  })

  it.each(['integrity', 'decode'] as const)('corrupt PNG with flipped bytes inside the image data (pixel check: %s)', async (mode) => {
    const { dir, name } = await broken(`flipped-${mode}`, async (d, n) => {
      const f = join(d, 'Modal', `${n}.png`)
      const bytes = await readFile(f)
      // Flip bytes in the middle of the compressed stream (inside IDAT).
      for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i] ^= 0x5a
      await writeFile(f, bytes)
    })
    const sink = new MemorySink()
    const r = await importDataset(dir, { pixelCheck: mode }, sink)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `Modal/${name}.png`, reason: expect.stringMatching(/corrupt/) }])
  })

  it('label values outside the class table', async () => {
    const { dir, name } = await broken('values', async (d, n) => {
      const data = new Uint8Array(160 * 120)
      data[5] = 9
      data[6] = 200
      await writeFile(join(d, 'Label', `${n}.png`), await encodeLabelPng(data, 160, 120))
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `Label/${name}.png`, reason: expect.stringMatching(/label values 9, 200 are not in the class table/) }])
  })

  it('3-channel label', async () => {
    const { dir, name } = await broken('rgblabel', async (d, n) => {
      await writeFile(join(d, 'Label', `${n}.png`), await encodeRgbPng(new Uint8Array(160 * 120 * 3), 160, 120))
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `Label/${name}.png`, reason: expect.stringMatching(/label has 3 channel\(s\).*expected 1-channel 8-bit/) }])
  })

  it('16-bit label', async () => {
    const { dir, name } = await broken('label16', async (d, n) => {
      const png = await sharp(new Uint16Array(160 * 120), { raw: { width: 160, height: 120, channels: 1 } }).toColourspace('grey16').png().toBuffer()
      await writeFile(join(d, 'Label', `${n}.png`), png)
    })
    const r = await importAll(dir)
    expect(r.problems).toEqual([{ file: `Label/${name}.png`, reason: expect.stringMatching(/1 channel\(s\) at 16-bit/) }])
    expect(r.imported).toBe(7)
  })

  it.each(['integrity', 'decode'] as const)('a header claiming 2,000,000,000² pixels is blamed on that file (pixel check: %s)', async (mode) => {
    const { dir, name } = await broken(`huge-header-${mode}`, async (d, n) => {
      const f = join(d, 'RGB', `${n}.png`)
      const bytes = await readFile(f)
      bytes.writeUInt32BE(2_000_000_000, 16)
      bytes.writeUInt32BE(2_000_000_000, 20)
      bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29) // a valid IHDR CRC: only the size lies
      await writeFile(f, bytes)
    })
    const r = await importDataset(dir, { pixelCheck: mode }, new MemorySink())
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `RGB/${name}.png`, reason: 'header claims 2000000000x2000000000 pixels, more than the 268402689 an image may have' }])
  })

  it.each(['RGB', 'Modal', 'Label'])('JPEG bytes named .png in %s are reported as not a PNG', async (sub) => {
    const { dir, name } = await broken(`jpeg-${sub}`, async (d, n) => {
      const jpeg = await sharp(Buffer.alloc(160 * 120 * 3, 80), { raw: { width: 160, height: 120, channels: 3 } }).jpeg().toBuffer()
      await writeFile(join(d, sub, `${n}.png`), jpeg)
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `${sub}/${name}.png`, reason: 'named .png but not a PNG file (its bytes are a JPEG)' }])
  })

  it('symbolic link escaping the dataset root', async () => {
    const outside = join(work, 'outside.png')
    await writeFile(outside, await readFile(join(base, 'RGB', `${names[0]}.png`)))
    const { dir, name } = await broken('symlink', async (d, n) => {
      await rm(join(d, 'RGB', `${n}.png`))
      await symlink(outside, join(d, 'RGB', `${n}.png`))
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(7)
    expect(r.problems).toEqual([{ file: `RGB/${name}.png`, reason: expect.stringMatching(/points outside the dataset root/) }])
  })

  it('symbolic link on a parent folder escaping the root', async () => {
    const outsideDir = join(work, 'outside-labels')
    await rm(outsideDir, { recursive: true, force: true })
    await mkdir(outsideDir)
    for (const n of names) await writeFile(join(outsideDir, `${n}.png`), await readFile(join(base, 'Label', `${n}.png`)))
    const { dir } = await broken('dirlink', async (d) => {
      await rm(join(d, 'Label'), { recursive: true })
      await symlink(outsideDir, join(d, 'Label'))
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(0)
    expect(r.problems).toHaveLength(8)
    for (const p of r.problems) expect(p).toEqual({ file: expect.stringMatching(/^Label\/\d{5}[DN]\.png$/), reason: expect.stringMatching(/outside the dataset root/) })
  })

  it('split file entries that are not plain names, or name missing images', async () => {
    const { dir } = await broken('splitnames', async (d) => {
      const train = await readFile(join(d, 'train.txt'), 'utf8')
      await writeFile(join(d, 'train.txt'), `${train}../../etc/passwd\n99999X\n`)
    })
    const r = await importAll(dir)
    expect(r.imported).toBe(8)
    expect(r.problems).toEqual([
      { file: 'train.txt', reason: expect.stringMatching(/"..\/..\/etc\/passwd" is not a plain file name/) },
      { file: 'train.txt', reason: expect.stringMatching(/lists "99999X" but RGB\/99999X.png is missing/) }
    ])
  })

  it('unknown layout is refused with the list of layouts looked for', async () => {
    const dir = join(work, 'unknown')
    await mkdir(join(dir, 'pictures'), { recursive: true })
    await mkdir(join(dir, 'stuff'), { recursive: true })
    await expect(detectFormat(dir)).rejects.toBeInstanceOf(UnknownLayoutError)
    const err = await importDataset(dir, {}, new MemorySink()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnknownLayoutError)
    const msg = (err as Error).message
    for (const needle of ['MFNet official', 'CMX', 'SARTM', 'PST900', 'FMB', 'Folder pairs']) expect(msg).toContain(needle)
    await expect(importDataset(join(work, 'does-not-exist'), {}, new MemorySink())).rejects.toThrow(/not found/)
  })

  it('reports progress and stops on abort', async () => {
    const seen: number[] = []
    await importDataset(base, { onProgress: (p) => { if (p.phase === 'load') seen.push(p.done) } }, new MemorySink())
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const ac = new AbortController()
    const sink = new MemorySink()
    const run = importDataset(base, { signal: ac.signal, concurrency: 1, onProgress: (p) => { if (p.done === 2) ac.abort(new Error('stop')) } }, sink)
    await expect(run).rejects.toThrow('stop')
    expect(sink.images.length).toBeLessThan(8)
  })
})
