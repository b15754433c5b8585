/** Pure helpers of the annotator's click tool (kept out of the store so tests need no window/api). */
import type { PromptModelInfo } from '@shared/contract/methods/prompt'

/**
 * A registered model package encodes RGB and thermal together (its own backbone), so the
 * RGB/thermal/blend setting does not apply; its registration names the package folder as the
 * encoder, an ONNX pair names the encoder's .onnx file.
 */
export function sourceApplies(m: PromptModelInfo | null): boolean {
  return !!m && /\.onnx$/i.test(m.encoder)
}

/** Ids after `current` among the browser rows already loaded (the order the annotator walks). */
export function nextInBrowserOrder(rows: readonly { id: number }[], current: number, n: number): number[] {
  const i = rows.findIndex((r) => r.id === current)
  return i < 0 ? [] : rows.slice(i + 1, i + 1 + n).map((r) => r.id)
}
