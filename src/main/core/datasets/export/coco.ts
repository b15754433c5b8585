/**
 * COCO-style JSON: one annotation per connected component of each class (8-connectivity by
 * default), segmentation as compressed COCO RLE ({size: [h, w], counts: string}), iscrowd 0.
 * Category id = the dataset's class index (so 0 unlabeled/background is left out unless asked;
 * ignore classes are always left out). Images are referenced by their RGB file name; the
 * export holds annotations only.
 */
import { basename } from 'node:path'
import type { ClassDef } from '@shared/formats/classes'
import { connectedComponents } from '@shared/labelmap/components'
import { compressRle, encodeRleWhere, type CompressedRle } from '@shared/labelmap/rle'
import type { ExportItem } from './types'

export interface CocoImage { id: number; file_name: string; thermal_file_name: string; name: string; split: string; width: number; height: number }
export interface CocoAnnotation {
  id: number
  image_id: number
  category_id: number
  segmentation: CompressedRle
  area: number
  bbox: [number, number, number, number]
  iscrowd: 0
}
export interface CocoCategory { id: number; name: string; color: [number, number, number] }
export interface CocoFile {
  info: { description: string; regions: 'connected-component'; connectivity: 4 | 8 }
  images: CocoImage[]
  annotations: CocoAnnotation[]
  categories: CocoCategory[]
}

export class CocoBuilder {
  private readonly file: CocoFile
  private readonly skip: number[]
  private nextAnnotation = 1

  constructor(classes: readonly ClassDef[], private readonly connectivity: 4 | 8, includeBackground: boolean) {
    const emitted = classes.filter((c) => !c.ignore && (includeBackground || c.index !== 0))
    const keep = new Set(emitted.map((c) => c.index))
    this.skip = Array.from({ length: 256 }, (_, v) => v).filter((v) => !keep.has(v))
    this.file = {
      info: { description: 'Twinlight export: one annotation per connected class region', regions: 'connected-component', connectivity },
      images: [],
      annotations: [],
      categories: emitted.map((c) => ({ id: c.index, name: c.name, color: [...c.color] as [number, number, number] }))
    }
  }

  /** Adds one image; `imageId` fixes the order so parallel writers give identical files. */
  add(imageId: number, item: ExportItem): CocoAnnotation[] {
    const { width, height, data } = item.label
    this.file.images.push({
      id: imageId, file_name: basename(item.rgbPath), thermal_file_name: basename(item.thermalPath), name: item.name, split: item.split, width, height
    })
    const { ids, regions } = connectedComponents(data, width, height, { connectivity: this.connectivity, skipClasses: this.skip })
    const out: CocoAnnotation[] = []
    for (const r of regions) {
      const rle = encodeRleWhere(ids, width, height, (v) => v === r.id, [r.bbox[0], r.bbox[0] + r.bbox[2]])
      out.push({ id: 0, image_id: imageId, category_id: r.classIndex, segmentation: compressRle(rle), area: r.area, bbox: r.bbox, iscrowd: 0 })
    }
    this.file.annotations.push(...out)
    return out
  }

  /** Final JSON with images/annotations sorted by image id and annotation ids assigned in that order. */
  build(): CocoFile {
    this.file.images.sort((a, b) => a.id - b.id)
    this.file.annotations.sort((a, b) => a.image_id - b.image_id)
    for (const a of this.file.annotations) a.id = this.nextAnnotation++
    return this.file
  }
}
