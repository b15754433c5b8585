/**
 * The effort bench's side of the app: a workstation from the composition root and every per-image
 * step through the contract dispatcher (the path the UI's calls take): listing, label maps,
 * regions, click-to-segment, edits, accept, pre-fill and fine-tune jobs. Also the generated
 * datasets (cached by their parameters) and their ground truth, regenerated from the scene seed.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { createDispatcher, type Dispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { createWorkstation } from '../../src/main/core/app'
import type { Workstation } from '../../src/main/core/workstation'
import { generateScene, type SceneOptions } from '../../src/main/core/datasets/synthetic/scene'
import { sceneSeed, writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'
import { generateIndoorScene } from '../../src/main/core/datasets/synthetic/indoorScene'
import { fromBase64Deflated } from '../../src/main/core/store/labelCodec'
import { proposalRegions, regionSkipClasses } from '@shared/labelmap/regions'
import type { ClassInfo, ImagePage, JobInfo, LabelMapPayload } from '@shared/contract/types'
import type { ModelList, RegionList } from '@shared/contract/methods/models'
import type { HistoryState } from '@shared/contract/methods/annotations'
import type { PromptSegmentResult } from '@shared/contract/methods/prompt'
import type { Truth } from './annotator'
import type { CropMask } from './masks'
import type { ClickPoint, ClickTool } from './noc'

export type Family = 'street' | 'pst900'

export interface GeneratedSet {
  family: Family
  dir: string
  names: string[]
  seed: number
  scene: SceneOptions
}

/**
 * A generated dataset, reused when its parameters match: the street family without split files (a
 * fresh batch of unlabelled images has none), or the PST900-like indoor family (its train/test
 * folders are its layout; the indoor generator has no thermal shift options, only the size).
 */
export async function generatedSet(cacheDir: string, family: Family, count: number, seed: number, scene: SceneOptions): Promise<GeneratedSet> {
  const key = `effort-${family}-${count}-${seed}-${JSON.stringify(scene).replace(/[^a-z0-9.]+/gi, '_')}`
  const dir = join(cacheDir, key)
  const marker = join(dir, '.complete')
  if (!existsSync(marker)) {
    let names: string[]
    if (family === 'pst900') names = (await writePst900Dataset(dir, { count, seed, width: scene.width, height: scene.height, compressionLevel: 1 })).names
    else {
      names = (await writeSyntheticDataset(dir, { count, seed, ...scene, compressionLevel: 1 })).names
      for (const f of ['train', 'val', 'test', 'test_day', 'test_night']) rmSync(join(dir, `${f}.txt`), { force: true })
    }
    writeFileSync(marker, JSON.stringify({ names }))
  }
  return { family, dir, names: (JSON.parse(readFileSync(marker, 'utf8')) as { names: string[] }).names, seed, scene }
}

export function truthOf(set: GeneratedSet, name: string): Truth {
  const i = set.names.indexOf(name)
  if (i < 0) throw new Error(`${name}: not an image of ${set.dir}`)
  const s = set.family === 'pst900' ? generateIndoorScene(sceneSeed(set.seed, i), { width: set.scene.width, height: set.scene.height }) : generateScene(sceneSeed(set.seed, i), set.scene)
  return { width: s.width, height: s.height, label: s.label, instances: s.instances, objects: s.objects }
}

export class Session {
  readonly api: Dispatcher
  constructor(readonly ws: Workstation) {
    this.api = createDispatcher(allHandlers(ws), () => undefined)
  }

  static async create(dataDir: string, projectPath: string, name: string, classes: ClassInfo[]): Promise<Session> {
    const ws = createWorkstation({ dataDir, transport: 'http' })
    await ws.createProject(projectPath, name, classes)
    return new Session(ws)
  }

  async call<T>(method: string, args: unknown): Promise<T> {
    const r = await this.api.call(method, args)
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
    return r.result as T
  }

  async job(method: string, args: unknown): Promise<JobInfo> {
    const started = await this.call<JobInfo>(method, args)
    const job = await this.ws.jobs.wait(started.id)
    if (job.state !== 'done') throw new Error(`${method} job ${job.state}: ${job.error ?? job.message}`)
    return job
  }

  async map(imageId: number, which: 'current' | 'proposal'): Promise<Uint8Array | null> {
    const p = await this.call<LabelMapPayload | null>('getLabelMap', { imageId, which })
    return p ? fromBase64Deflated(p.data, p.width * p.height, which) : null
  }

  /** Unreviewed images (new or pre-filled) in an order of the image browser. */
  async unreviewed(sort: 'name' | 'uncertainty', limit = 1000): Promise<ImagePage['items']> {
    return (await this.call<ImagePage>('listImages', { filter: { status: ['new', 'prefilled'] }, sort, limit })).items
  }

  async activeModel(): Promise<{ id: number | null; name: string }> {
    const l = await this.call<ModelList>('listModels', {})
    const m = l.models.find((x) => x.id === l.activeId)
    return { id: l.activeId, name: m ? `${m.id}:${m.name}` : 'none' }
  }

  /** The listed regions of the latest proposal and their pixel ids (the shared region rule). */
  async regions(imageId: number, classes: ClassInfo[]): Promise<{ ids: Uint32Array; list: { id: number; classIndex: number }[]; versionId: number | null } | null> {
    const r = await this.call<RegionList | null>('listRegions', { imageId })
    const proposal = r && (await this.map(imageId, 'proposal'))
    if (!r || !proposal) return null
    const { ids } = proposalRegions(proposal, null, r.width, r.height, regionSkipClasses(classes))
    return { ids, list: r.regions.map((x) => ({ id: x.id, classIndex: x.classIndex })), versionId: r.modelVersionId }
  }

  /** Click-to-segment with the project's prompt model, as a NoC click tool. */
  promptTool(imageId: number): ClickTool {
    return async (points: ClickPoint[]) => {
      const t = performance.now()
      const r = await this.call<PromptSegmentResult>('promptSegment', { imageId, points })
      this.clickMs += performance.now() - t
      this.clickCount++
      return toCrop(r)
    }
  }

  /** Time spent in promptSegment calls and their number (progress lines report them). */
  clickMs = 0
  clickCount = 0

  /** Sets the image to its ground truth (one full-image edit) and accepts it. */
  async acceptTruth(imageId: number, t: Truth): Promise<void> {
    const h = (await this.call<{ state: HistoryState }>('getHistory', { imageId, limit: 1 })).state
    const data = deflateSync(t.label, { level: 1 }).toString('base64')
    await this.call('applyEdit', { imageId, label: 'Corrections (simulated annotator)', baseSeq: h.head, rect: { x: 0, y: 0, w: t.width, h: t.height }, data })
    await this.call('acceptImage', { imageId })
  }
}

export function toCrop(m: { bbox: { x: number; y: number; w: number; h: number }; area: number; data: string }): CropMask {
  if (m.area === 0 || !m.bbox.w || !m.bbox.h) return { x: 0, y: 0, w: 0, h: 0, data: new Uint8Array(0) }
  const raw = fromBase64Deflated(m.data, m.bbox.w * m.bbox.h, 'mask')
  return { ...m.bbox, data: raw.map((v) => (v ? 1 : 0)) }
}
