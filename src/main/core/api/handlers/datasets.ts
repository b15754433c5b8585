import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { checkProjectExportTarget, exportParams } from '../../datasets/jobs/exportJob'

export function datasetHandlers(ws: Workstation): Pick<Handlers, 'startImport' | 'startExport'> {
  return {
    startImport: (args) => {
      void ws.project // a clear "no project open" before a job row is written
      return ws.jobs.start('import', args)
    },
    startExport: (args) => {
      // Refused before a job row or a file is written (the job checks again when it runs or resumes).
      checkProjectExportTarget(ws, exportParams.parse(args))
      return ws.jobs.start('export', args)
    }
  }
}
