// Tests start workstations through the composition root like the app does; this keeps the ones a
// test file made so one afterAll can release them all (engines, stage threads, click engines).
import { createWorkstation } from '../../src/main/core/app'
import type { Workstation, WorkstationOptions } from '../../src/main/core/workstation'

const made: Workstation[] = []

/** A workstation as the server builds it (every job registered), with app data in `dataDir`. */
export function testWorkstation(dataDir: string, extra: Pick<WorkstationOptions, 'folderRoots'> = {}): Workstation {
  const ws = createWorkstation({ dataDir, transport: 'http', ...extra })
  made.push(ws)
  return ws
}

/** Disposes every workstation this test file made (each closes its project and engines). */
export async function disposeTestWorkstations(): Promise<void> {
  await Promise.allSettled(made.splice(0).map((ws) => ws.dispose()))
}
