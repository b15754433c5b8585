/**
 * A backbone ready to run: the package (validated by packageLoader), its session opened in the
 * inference worker (ortWorker.ts) on the best execution provider (ep.ts) and checked against the
 * manifest, and the output shapes. An EnginePool (one per workstation, built by core/app.ts) shares
 * engines per (package folder, CPU forced, threads) because a session holds the weights and a
 * thread pool; at most a few stay open.
 */
import { resolve } from 'node:path'
import { checkGraphMatchesManifest, loadModelPackage, type LoadedModelPackage } from '../package/packageLoader'
import { ModelPackageError, type ModelManifest } from '@shared/modelPackage'
import { acceleratorCandidates, choiceFromAttempts, defaultThreads, forceCpuFromEnv, type EpChoice, type EpOptions } from './ep'
import { planForPackage, planSessionOptions, type MemoryPlan } from './memoryPlan'
import { OrtWorker } from './ortWorker'
import type { InputSlot } from '../pixels/preprocess'
import type { OutputShapes } from '../package/outputShapes'

export type { OutputShapes }

export interface BackboneOutputs {
  logits: Float32Array
  features: Float32Array
  /** Time the session.run took inside the worker. */
  ms: number
}

export class ModelEngine {
  private constructor(
    readonly pkg: LoadedModelPackage,
    private readonly worker: OrtWorker,
    readonly ep: EpChoice,
    readonly shapes: OutputShapes,
    /** Session settings chosen from the package size and free memory (memoryPlan.ts). */
    readonly memory: MemoryPlan
  ) {}

  get manifest(): ModelManifest {
    return this.pkg.manifest
  }

  static async open(dir: string, opts: EpOptions = {}): Promise<ModelEngine> {
    const pkg = await loadModelPackage(dir)
    const m = pkg.manifest
    const threads = opts.threads ?? defaultThreads()
    const plan = planForPackage(pkg, threads) // refuses a package that cannot fit, before any work
    const { try: accel, skipped } = acceleratorCandidates(opts)
    const worker = new OrtWorker()
    let opened: Awaited<ReturnType<OrtWorker['open']>>
    try {
      opened = await worker.open(pkg.backbonePath, [...accel, 'cpu'], planSessionOptions(plan))
      checkGraphMatchesManifest(opened.sig, m)
    } catch (e) {
      await worker.close().catch(() => undefined)
      if (e instanceof ModelPackageError) throw e
      throw new ModelPackageError(m.name, `backbone "${m.parts.backbone}" could not be opened by ONNX Runtime: ${(e as Error).message}`)
    }
    const ep = choiceFromAttempts(skipped, opened.attempts, threads, !!opts.forceCpu || forceCpuFromEnv())
    const l = m.tensors.outputs.logits.shape
    const f = m.tensors.outputs.features.shape
    return new ModelEngine(pkg, worker, ep, { c: l[1]!, d: f[1]!, h: l[2]!, w: l[3]! }, plan)
  }

  /**
   * One forward pass. The slot's arrays travel to the worker and are put back into `slot` before
   * this resolves; do not touch the slot meanwhile. Outputs are fresh arrays.
   */
  async run(slot: InputSlot): Promise<BackboneOutputs> {
    const { inputs, outputs } = this.manifest.tensors
    const names = { logits: outputs.logits.name, features: outputs.features.name }
    const r = await this.worker.run(
      { [inputs.rgb.name]: { data: slot.rgb, dims: inputs.rgb.shape }, [inputs.thermal.name]: { data: slot.thermal, dims: inputs.thermal.shape } },
      [names.logits, names.features]
    )
    slot.rgb = r.returned[inputs.rgb.name]!
    slot.thermal = r.returned[inputs.thermal.name]!
    const { c, d, h, w } = this.shapes
    const check = (name: string, want: number): Float32Array => {
      const t = r.outs[name]!
      if (t.type !== 'float32' || t.data.length !== want) {
        throw new ModelPackageError(this.manifest.name, `output "${name}" has ${t.data.length} ${t.type} values, the manifest says ${want} float32`)
      }
      return t.data
    }
    return { logits: check(names.logits, c * h * w), features: check(names.features, d * h * w), ms: r.ms }
  }

  /** False when the inference worker died (out of memory, a crash in a provider). */
  get alive(): boolean {
    return this.worker.alive
  }

  async release(): Promise<void> {
    await this.worker.close()
  }
}

const MAX_OPEN = 3

/** The open engines of one workstation, least recently used first. */
export class EnginePool {
  private readonly open = new Map<string, Promise<ModelEngine>>()

  /** The shared engine for a package folder (opened on first use). */
  get(dir: string, opts: EpOptions = {}): Promise<ModelEngine> {
    const open = this.open
    const key = `${resolve(dir)}|${opts.forceCpu ? 'cpu' : 'auto'}|${opts.threads ?? ''}`
    const hit = open.get(key)
    if (hit) {
      open.delete(key) // re-insert: Map order is the LRU order
      const next = hit.then((x) => (x.alive ? x : ModelEngine.open(dir, opts)))
      next.catch(() => open.delete(key))
      open.set(key, next)
      return next
    }
    const e = ModelEngine.open(dir, opts)
    e.catch(() => open.delete(key))
    open.set(key, e)
    while (open.size > MAX_OPEN) {
      const [k, old] = open.entries().next().value!
      open.delete(k)
      void old.then((x) => x.release()).catch(() => undefined)
    }
    return e
  }

  /** Closes every session of this pool (workstation dispose, tests). */
  async release(): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    await Promise.allSettled(all.map(async (p) => (await p).release()))
  }
}
