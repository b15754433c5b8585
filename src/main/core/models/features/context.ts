/**
 * Per-workstation inference state: the feature cache (under the app's data folder), the
 * "force CPU" setting and the execution provider last chosen (mirrored into ws.ep, which
 * getAppInfo and the status bar show).
 */
import { join } from 'node:path'
import type { Workstation } from '../../workstation'
import { FeatureCache } from './featureCache'
import { epLabel, forceCpuFromEnv, type EpChoice } from '../runtime/ep'

export interface InferenceState {
  cache: FeatureCache
  forceCpu: boolean
  lastEp: EpChoice | null
}

const states = new WeakMap<Workstation, InferenceState>()

/** Cache cap: TWINLIGHT_FEATURE_CACHE_MB, default 2048 MB. */
export function defaultCacheCapBytes(): number {
  const mb = Number(process.env.TWINLIGHT_FEATURE_CACHE_MB)
  return (Number.isFinite(mb) && mb > 0 ? mb : 2048) * 1024 * 1024
}

export function inference(ws: Workstation): InferenceState {
  let s = states.get(ws)
  if (!s) {
    s = { cache: new FeatureCache(join(ws.opts.dataDir, 'cache', 'features'), defaultCacheCapBytes()), forceCpu: forceCpuFromEnv(), lastEp: null }
    states.set(ws, s)
  }
  return s
}

/** Replace the cache (tests use a small cap). */
export function setFeatureCache(ws: Workstation, cache: FeatureCache): void {
  inference(ws).cache = cache
}

export function recordEp(ws: Workstation, ep: EpChoice): void {
  inference(ws).lastEp = ep
  ws.ep = { name: epLabel(ep.name), reason: ep.reason }
}
