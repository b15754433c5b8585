/**
 * Class merge on a big project: how long the remap of every label map, history delta and
 * proposal takes, and whether memory stays flat (one map decoded at a time).
 *   npx tsx bench/classes/merge.ts [--images 500] [--width 1280 --height 720] [--edits 4]
 * Prints one JSON line: merge and undo seconds, RSS before/peak (MB).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'

const { values } = parseArgs({ options: { images: { type: 'string', default: '500' }, width: { type: 'string', default: '1280' }, height: { type: 'string', default: '720' }, edits: { type: 'string', default: '4' } } })
const [n, w, h, edits] = [Number(values.images), Number(values.width), Number(values.height), Number(values.edits)]
const dir = mkdtempSync(join(tmpdir(), 'twinlight-bench-merge-'))
const store = ProjectStore.create(join(dir, 'bench.twinlight'), { classes: classPreset('mfnet') })
const map = new Uint8Array(w * h)
for (let y = 0; y < h; y++) map.fill(1 + ((y >> 5) % 4), y * w, (y + 1) * w) // stripes of car, person, bike, curve
store.transaction(() => {
  for (let i = 0; i < n; i++) {
    const id = store.images.insert({ name: `img_${i}`, split: 'train', rgbPath: 'x.png', thermalPath: 'x.png', width: w, height: h, thermalBits: 8 })
    store.annotations.replace(id, w, h, map, 'import', null)
    for (let e = 0; e < edits; e++) store.annotations.applyEdit(id, 'bench', e, { x: 10 * e, y: 10, w: 64, h: 64 }, new Uint8Array(64 * 64).fill(3))
  }
})
const mb = () => Math.round(process.memoryUsage().rss / 1e6)
const rssBefore = mb()
let peak = rssBefore // RSS rarely shrinks, so readings after each step bound the peak of the synchronous merge
let t = performance.now()
const change = store.classEdits.merge(3, 1)
const mergeS = (performance.now() - t) / 1000
peak = Math.max(peak, mb())
t = performance.now()
store.classEdits.undoLast()
const undoS = (performance.now() - t) / 1000
peak = Math.max(peak, mb())
console.log(JSON.stringify({ images: n, width: w, height: h, editsPerImage: edits, pixelsRemapped: change.pixels, mergeS: +mergeS.toFixed(2), undoS: +undoS.toFixed(2), rssBeforeMB: rssBefore, rssPeakMB: peak, mapMB: +((w * h) / 1e6).toFixed(2) }))
store.close()
rmSync(dir, { recursive: true, force: true })
