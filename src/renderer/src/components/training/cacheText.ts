/** The Model panel's feature-cache lines (CacheInfo.vue), as plain functions so they are unit-tested. */
import type { CacheInfo } from '@shared/contract/methods/models'

export function fmtBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(1)} GB`
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MB`
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KB`
  return `${b} B`
}

/** "features for N of M images fit the 2.0 GB cap; …" or "all M images fit …". */
export function fitLine(i: CacheInfo): string | null {
  if (i.fitImages === null || i.projectImages === null) return null
  const cap = fmtBytes(i.capBytes)
  if (i.fitImages >= i.projectImages) return `features of all ${i.projectImages} images fit the ${cap} cap`
  return `features for ${i.fitImages} of ${i.projectImages} images fit the ${cap} cap; the rest are recomputed when needed`
}
