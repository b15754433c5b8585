import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import type { ClassChangeInfo } from '@shared/contract/methods/classes'
import { ApiError } from '@shared/contract/errors'
import { classTableProblems } from '@shared/formats/classTable'
import { parseClassFileText } from '../../datasets/classFile'
import { DatasetFileError } from '../../datasets/types'

type Names =
  | 'createProjectWithClasses'
  | 'parseClassFile'
  | 'renameClass'
  | 'setClassColor'
  | 'setClassIgnore'
  | 'addClass'
  | 'mergeClasses'
  | 'undoClassChange'
  | 'listClassChanges'

/** The user's own class table: a new project with it, class files, and later edits of the open project's table. */
export function classHandlers(ws: Workstation): Pick<Handlers, Names> {
  // Every change tells each window: the palette is redrawn, and after a remap the open image reloads.
  const done = (change: ClassChangeInfo) => {
    ws.hub.emit('classes.changed', { changeId: change.id, remapped: change.kind === 'merge' })
    ws.hub.emit('project.changed', { path: ws.project.path })
    return { change, classes: ws.project.classEdits.list() }
  }
  return {
    createProjectWithClasses: async ({ path, name, classes }) => {
      const problems = classTableProblems(classes)
      if (problems.length) throw new ApiError('invalid_argument', `The class table for ${path} cannot be used: ${problems.join(' ')}`)
      const sorted = [...classes].map((c) => ({ ...c, name: c.name.trim() })).sort((a, b) => a.index - b.index)
      return (await ws.createProject(path, name, sorted)).summary()
    },
    parseClassFile: ({ fileName, text }) => {
      try {
        return { classes: parseClassFileText(text, fileName) }
      } catch (e) {
        if (e instanceof DatasetFileError) throw new ApiError('bad_input', e.message)
        throw e
      }
    },
    renameClass: ({ index, name }) => done(ws.project.classEdits.rename(index, name)),
    setClassColor: ({ index, color }) => done(ws.project.classEdits.setColor(index, color)),
    setClassIgnore: ({ index, ignore }) => done(ws.project.classEdits.setIgnore(index, ignore)),
    addClass: (c) => done(ws.project.classEdits.add(c)),
    mergeClasses: ({ from, to }) => done(ws.project.classEdits.merge(from, to)),
    undoClassChange: () => {
      const change = ws.project.classEdits.undoLast()
      ws.hub.emit('classes.changed', { changeId: change.id, remapped: change.kind === 'merge' })
      ws.hub.emit('project.changed', { path: ws.project.path })
      return { change, classes: ws.project.classEdits.list() }
    },
    listClassChanges: ({ limit }) => ws.project.classEdits.changes(limit)
  }
}
