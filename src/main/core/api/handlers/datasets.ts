import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'

export function datasetHandlers(ws: Workstation): Pick<Handlers, 'startImport' | 'startExport'> {
  return {
    startImport: (args) => {
      void ws.project // a clear "no project open" before a job row is written
      return ws.jobs.start('import', args)
    },
    startExport: (args) => {
      void ws.project
      return ws.jobs.start('export', args)
    }
  }
}
