/** ExportSource over a scanned dataset (labels read from the dataset's own label files). */
import { readLabel } from '../../imaging/png'
import type { DatasetIndex } from '../types'
import type { ExportItem, ExportSource } from './types'

export function exportSourceFromIndex(index: DatasetIndex, filter?: (item: DatasetIndex['items'][number]) => boolean): ExportSource {
  return {
    classes: index.classes,
    splitFiles: index.splitFiles,
    async *items(): AsyncIterable<ExportItem> {
      for (const it of index.items) {
        if (!it.labelPath || (filter && !filter(it))) continue
        const label = await readLabel(it.labelPath)
        yield {
          name: it.name, split: it.split, rgbPath: it.rgbPath, thermalPath: it.thermalPath,
          ...(it.thermalChannel !== undefined ? { thermalChannel: it.thermalChannel } : {}),
          ...(it.thermalRawPath ? { thermalRawPath: it.thermalRawPath } : {}),
          label
        }
      }
    }
  }
}
