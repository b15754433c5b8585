import type { ClassInfo } from '@shared/contract/types'
import { cloneClasses, FMB_CLASSES_RAW, MFNET_CLASSES, PST900_CLASSES } from '@shared/formats/classes'

/** Class tables a new project can start from (the dataset's own indices and palette). */
export function classPreset(name: 'mfnet' | 'pst900' | 'fmb'): ClassInfo[] {
  const table = name === 'pst900' ? PST900_CLASSES : name === 'fmb' ? FMB_CLASSES_RAW : MFNET_CLASSES
  return cloneClasses(table)
}
