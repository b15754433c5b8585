/**
 * Choosing a dataset folder from the window: a folder browser limited to the allowed roots (browser
 * mode has no native dialog) and a preview of what an import would bring in, before anything is written.
 */
import { z } from 'zod'
import { method } from '../define'
import { DATASET_FORMATS, type DatasetFormat } from '../../formats/layouts'
import type { ClassDef } from '../../formats/classes'
import { fsPath } from './common'

export interface FolderEntry {
  name: string
  path: string
  /** Image files directly inside. */
  images: number
  /** Dataset layout recognised from its folder names, or null. */
  layout: DatasetFormat | null
}

export interface FolderListing {
  /** Real path of the folder listed; null for the list of roots. */
  path: string | null
  /** Folder above, or null at a root (go back to the roots list). */
  parent: string | null
  /** Image files directly inside `path`. */
  images: number
  layout: DatasetFormat | null
  entries: FolderEntry[]
  /** Where browsing may go: the home folder and the server's --data-root folders. */
  roots: { label: string; path: string }[]
  /** Entries left out of a very large folder. */
  truncated: number
}

export interface ImportPreview {
  path: string
  /** Layout used for the counts below: the one asked for, else the detected one; null when none fits. */
  format: DatasetFormat | null
  detected: DatasetFormat | null
  /** Why no layout was found (the folder names looked for), when format is null. */
  unknownLayout: string | null
  total: number
  splits: { split: string; count: number }[]
  classes: ClassDef[]
  /** A few RGB/thermal pairs as small image data URLs. */
  samples: { name: string; split: string; rgb: string; thermal: string }[]
  /** Every problem found, file by file: missing partners, undecodable or truncated images, bad labels. */
  problems: { file: string; reason: string }[]
  /** Items whose files were checked (all of them up to a limit; see `total`). */
  checked: number
  /** Checked items that import would leave out (a file failed its check). */
  failing: number
  /** Images of this folder the open project already holds (same RGB and thermal bytes); import skips them. */
  alreadyInProject: number
}

export const folderMethods = {
  /** Sub-folders of `path` (or the roots when omitted) with image counts; refuses paths outside the roots. */
  listFolders: method<FolderListing>()(z.object({ path: fsPath.optional() }).strict(), 'List sub-folders for choosing a dataset folder.'),
  /** What importing `path` would bring in, read-only: layout, counts per split, samples, classes, problems by file. */
  previewImport: method<ImportPreview>()(
    z.object({ path: fsPath, format: z.enum(DATASET_FORMATS).optional() }).strict(),
    'Preview a dataset folder before importing it.'
  )
}
