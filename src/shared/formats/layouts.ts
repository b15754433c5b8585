/**
 * Dataset layout ids and what each looks like on disk. Importers detect these; exporters write
 * them. Folder names are matched exactly as the research loaders spell them.
 */
import { cloneClasses, FMB_CLASSES_RAW, MFNET_CLASSES, PST900_CLASSES, type ClassDef } from './classes'

export const DATASET_FORMATS = ['mfnet', 'mfnet-cmx', 'sartm', 'pst900', 'fmb', 'folder-pairs'] as const
export type DatasetFormat = (typeof DATASET_FORMATS)[number]

export const EXPORT_FORMATS = ['mfnet', 'mfnet-cmx', 'sartm', 'pst900', 'fmb', 'folder-pairs', 'color', 'coco'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface LayoutInfo {
  format: DatasetFormat
  /** One line shown to the user, e.g. in "unknown layout; looked for: …". */
  description: string
}

export const LAYOUTS: readonly LayoutInfo[] = [
  { format: 'mfnet', description: 'MFNet official: images/ (4-channel RGB+T PNG), labels/, train.txt/val.txt/test.txt[/test_day.txt/test_night.txt]' },
  { format: 'mfnet-cmx', description: 'CMX/Sigma style: RGB/, Modal/ (1-channel thermal), Label/ [+ split .txt files]' },
  { format: 'sartm', description: 'SARTM style: rgb/, ther/, labels/, train.txt/test.txt' },
  { format: 'pst900', description: 'PST900: {train,test}/{rgb,thermal[,thermal_raw],labels}/' },
  { format: 'fmb', description: 'FMB: {train,test}/{Visible,Infrared,Label}/ (raw labels 0..14)' },
  { format: 'folder-pairs', description: 'Folder pairs: two image folders matched by file stem [+ label folder, classes.json]' }
]

/** The class table each format carries by default (copy; callers may edit). */
export function defaultClasses(format: DatasetFormat): ClassDef[] {
  switch (format) {
    case 'pst900': return cloneClasses(PST900_CLASSES)
    case 'fmb': return cloneClasses(FMB_CLASSES_RAW)
    default: return cloneClasses(MFNET_CLASSES)
  }
}

/** MFNet-family split files, in the order they are written. */
export const MFNET_SPLIT_FILES = ['train', 'val', 'test', 'test_day', 'test_night'] as const
