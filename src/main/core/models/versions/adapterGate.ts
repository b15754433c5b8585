/**
 * Domain gate of an adapter: the adapter is applied to an image only when the image's mean feature
 * vector lies within the spread of its training images (RMS z-distance to their centroid ≤ radius).
 * A linear correction learned on one condition (a drifted thermal camera, night, fog) otherwise also
 * fires on images of other conditions, where the parent was right; measured on the acceptance
 * scenario, ungated adapters lost 0.06–0.4 mIoU on unshifted images while gaining on shifted ones.
 * Off the training domain the version behaves as its base package (Δ = 0).
 */
import type { ProjectStore } from '../../store/projectStore'
import { validOutputExtent, type Frame } from '../pixels/geometry'

export interface AdapterGate {
  /** Centroid of the training images' descriptors (mean feature per channel). */
  mean: number[]
  /** Per-channel spread of the training descriptors. */
  std: number[]
  /** Largest RMS z-distance allowed. */
  radius: number
  /** Training images' largest distance, for the report. */
  trainMax: number
}

/** Margin over the farthest training image, and a floor for tiny training sets. */
export const GATE_MARGIN = 1.5
export const GATE_MIN_RADIUS = 2

/**
 * Mean of each feature channel over the grid cells that hold image: the image's domain descriptor.
 * With a pad-policy package (`frame` given) the padding cells are left out, so an image's
 * descriptor does not depend on how much of the frame its aspect ratio leaves empty.
 */
export function imageDescriptor(features: Float32Array, d: number, h: number, w: number, frame?: Frame): Float64Array {
  const valid = frame ? validOutputExtent(frame, w, h) : { w, h }
  const vw = Math.max(1, Math.min(w, Math.ceil(valid.w)))
  const vh = Math.max(1, Math.min(h, Math.ceil(valid.h)))
  const v = new Float64Array(d)
  for (let t = 0; t < d; t++) {
    let s = 0
    for (let y = 0; y < vh; y++) {
      const o = t * h * w + y * w
      for (let x = 0; x < vw; x++) s += features[o + x]!
    }
    v[t] = s / (vw * vh)
  }
  return v
}

export function fitGate(descriptors: Float64Array[]): AdapterGate | null {
  if (!descriptors.length) return null
  const d = descriptors[0]!.length
  const mean = new Array<number>(d).fill(0)
  const std = new Array<number>(d).fill(0)
  for (const v of descriptors) for (let t = 0; t < d; t++) mean[t] += v[t]! / descriptors.length
  for (const v of descriptors) for (let t = 0; t < d; t++) std[t] += (v[t]! - mean[t]!) ** 2 / descriptors.length
  // Channels nearly constant over the training images are the sharpest domain signal (an image
  // that moves them is unlike the training set); the floor only avoids dividing by zero.
  const spread = Math.max(1e-6, ...std.map(Math.sqrt)) * 1e-3
  for (let t = 0; t < d; t++) std[t] = Math.max(Math.sqrt(std[t]!), spread)
  const gate: AdapterGate = { mean, std, radius: 0, trainMax: 0 }
  gate.trainMax = Math.max(...descriptors.map((v) => gateDistance(gate, v)))
  gate.radius = Math.max(GATE_MIN_RADIUS, gate.trainMax * GATE_MARGIN)
  return gate
}

export function gateDistance(g: AdapterGate, v: Float64Array): number {
  let s = 0
  for (let t = 0; t < g.mean.length; t++) s += ((v[t]! - g.mean[t]!) / g.std[t]!) ** 2
  return Math.sqrt(s / g.mean.length)
}

/** Whether an adapter with gate `g` applies to an image with these features ([d, h, w]). No gate: always. */
export function gateAllows(g: AdapterGate | null, features: Float32Array, d: number, h: number, w: number, frame?: Frame): boolean {
  if (!g) return true
  if (g.mean.length !== d) return false
  return gateDistance(g, imageDescriptor(features, d, h, w, frame)) <= g.radius
}

export function saveGate(store: ProjectStore, modelVersionId: number, g: AdapterGate): void {
  store.trainingRecords.saveGate(modelVersionId, g)
}

/** The gate of a model version (null: none, e.g. a base package or an adapter made elsewhere). */
export function loadGate(store: ProjectStore, modelVersionId: number): AdapterGate | null {
  return store.trainingRecords.gate(modelVersionId) as AdapterGate | null
}
