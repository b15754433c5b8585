/**
 * What training and evaluation need from the model layer, per image: the base package's logits
 * [C, h, w] (no adapter applied) and the per-pixel features [D, h, w] the final classifier reads,
 * at the model's output resolution, plus how that grid maps onto the image (ModelOutputs, the
 * inference layer's type, with frame and classMap filled in). The inference layer's
 * computeOutputs (feature cache, fp16 on disk) provides them in the app; tests provide synthetic ones.
 */
import type { ClassInfo } from '@shared/contract/types'
import type { Frame } from '../models/pixels/geometry'
import type { ModelOutputs } from '../models/features/features'

export interface OutputsSource {
  /** Base-package outputs for one image of the open project. */
  outputs(imageId: number): Promise<ModelOutputs>
}

/** The frame of an output grid that covers the whole image (policy `resize`). */
export function frameOf(o: ModelOutputs, imageW: number, imageH: number): Frame {
  return o.frame ?? { imageW, imageH, inW: o.w, inH: o.h, scaledW: o.w, scaledH: o.h }
}

/** 255 in toModel: not trained on. */
export const NO_CLASS = 255

export interface ClassSpace {
  /** Project class index → model class index (NO_CLASS for ignore classes and unmapped ones). */
  toModel: Uint8Array
  /** 1 for project classes that are scored (not ignore, and some model class maps to them). */
  scored: Uint8Array
  /** Size of the project index space that confusion matrices use. */
  size: number
}

export function classSpace(classes: ClassInfo[], c: number, classMap?: Uint8Array | null): ClassSpace {
  const toModel = new Uint8Array(256).fill(NO_CLASS)
  const scored = new Uint8Array(256)
  const ignore = new Set(classes.filter((k) => k.ignore).map((k) => k.index))
  for (let m = 0; m < c; m++) {
    const p = classMap ? classMap[m]! : m
    if (ignore.has(p) || toModel[p] !== NO_CLASS) continue
    toModel[p] = m
    scored[p] = 1
  }
  const size = Math.max(c, ...classes.map((k) => k.index + 1), ...(classMap ? Array.from(classMap, (v) => v + 1) : []))
  return { toModel, scored, size }
}
