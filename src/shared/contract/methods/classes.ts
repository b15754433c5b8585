import { z } from 'zod'
import { method } from '../define'
import type { ClassInfo, ProjectSummary } from '../types'
import { fsPath } from './common'

/**
 * A user's own class table: made in the new-project editor or loaded from a dataset's class file,
 * and edited later in the Classes panel. Every change of an open project's table is one logged,
 * undoable action; a merge (or delete) remaps the pixels of the class it removes.
 */
const classIndex = z.number().int().min(0).max(255)
const className = z.string().min(1).max(100)
const color = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)])
export const classInfoSchema = z.object({ index: classIndex, name: className, color, ignore: z.boolean() }).strict()

export type ClassChangeKind = 'rename' | 'color' | 'ignore' | 'add' | 'merge'

/** One row of the class-change log (the audit trail of the table). */
export interface ClassChangeInfo {
  id: number
  kind: ClassChangeKind
  /** A sentence saying what changed, e.g. `Merged "bike" (3) into "car" (1): 812 px in 2 images`. */
  summary: string
  from: number | null
  to: number | null
  /** Pixels remapped (label maps, history deltas and proposals); 0 for table-only changes. */
  pixels: number
  images: number
  undone: boolean
  createdAt: string
}

export interface ClassChangeResult {
  change: ClassChangeInfo
  classes: ClassInfo[]
}

export const classMethods = {
  createProjectWithClasses: method<ProjectSummary>()(
    z.object({ path: fsPath, name: z.string().min(1).max(200).optional(), classes: z.array(classInfoSchema).min(1).max(256) }).strict(),
    'Create a project file with a class table of your own (refuses an invalid table with sentences).'
  ),
  parseClassFile: method<{ classes: ClassInfo[] }>()(
    z.object({ fileName: z.string().min(1).max(4096), text: z.string().max(4 * 1024 * 1024) }).strict(),
    "Parse a dataset's class file (JSON or YAML text, as read by a file input) into a class table."
  ),
  renameClass: method<ClassChangeResult>()(z.object({ index: classIndex, name: className }).strict(), 'Rename a class of the open project.'),
  setClassColor: method<ClassChangeResult>()(z.object({ index: classIndex, color }).strict(), 'Recolour a class of the open project.'),
  setClassIgnore: method<ClassChangeResult>()(z.object({ index: classIndex, ignore: z.boolean() }).strict(), 'Mark a class as ignored in training/metrics (or not).'),
  addClass: method<ClassChangeResult>()(
    z.object({ name: className, color, ignore: z.boolean().default(false), index: classIndex.optional() }).strict(),
    'Add a class (at the next free index unless one is given).'
  ),
  mergeClasses: method<ClassChangeResult>()(
    z.object({ from: classIndex, to: classIndex }).strict(),
    'Remove class `from`, remapping its pixels to `to` in every label map, history entry and proposal (one undoable action). A delete is a merge.'
  ),
  undoClassChange: method<ClassChangeResult>()(z.object({}).strict(), 'Undo the latest class change (a merge gets its pixels and its class back).'),
  listClassChanges: method<ClassChangeInfo[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(), 'The class-change log, newest first.')
}
