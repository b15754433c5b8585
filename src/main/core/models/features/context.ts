/**
 * Per-workstation inference state, built once by core/app.ts: the open engines, the feature cache
 * (under the app's data folder), the preprocessors and input slots reused across calls, the
 * "force CPU" setting and the execution provider last chosen (getAppInfo and the status bar show it).
 */
import { join } from 'node:path'
import type { ModelManifest } from '@shared/modelPackage'
import { FeatureCache } from './featureCache'
import { EnginePool } from '../runtime/engine'
import { epLabel, forceCpuFromEnv, type EpChoice } from '../runtime/ep'
import { Preprocessor, type InputSlot } from '../pixels/preprocess'

/** Cache cap: TWINLIGHT_FEATURE_CACHE_MB, default 2048 MB. */
export function defaultCacheCapBytes(): number {
  const mb = Number(process.env.TWINLIGHT_FEATURE_CACHE_MB)
  return (Number.isFinite(mb) && mb > 0 ? mb : 2048) * 1024 * 1024
}

export class InferenceState {
  readonly engines = new EnginePool()
  /** Replaceable: tests use a small cap. */
  cache: FeatureCache
  forceCpu = forceCpuFromEnv()
  lastEp: EpChoice | null = null
  /** Preprocessors and free input slots per package (calls may overlap). */
  private readonly inputs = new Map<string, { pre: Preprocessor; free: InputSlot[] }>()

  constructor(dataDir: string) {
    this.cache = new FeatureCache(join(dataDir, 'cache', 'features'), defaultCacheCapBytes())
  }

  recordEp(ep: EpChoice): void {
    this.lastEp = ep
  }

  /** The execution provider last chosen, as getAppInfo shows it. */
  get executionProvider(): { name: string; reason: string } | null {
    return this.lastEp ? { name: epLabel(this.lastEp.name), reason: this.lastEp.reason } : null
  }

  /** The preprocessor and spare input slots for a package (rebuilt when its manifest changes). */
  inputsFor(m: ModelManifest): { pre: Preprocessor; free: InputSlot[] } {
    let p = this.inputs.get(m.id)
    if (!p || p.pre.manifest !== m) {
      p = { pre: new Preprocessor(m), free: [] }
      this.inputs.set(m.id, p)
    }
    return p
  }

  /** Closes every engine (workstation dispose). */
  async release(): Promise<void> {
    this.inputs.clear()
    await this.engines.release()
  }
}
