import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'

/** Review-effort figures (docs/effort.md). */
export function effortHandlers(ws: Workstation): Pick<Handlers, 'getCorrectionTrend'> {
  return {
    getCorrectionTrend: () => ws.project.effort.correctionTrend()
  }
}
