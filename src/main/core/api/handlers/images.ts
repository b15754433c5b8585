import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'

export function imageHandlers(ws: Workstation): Pick<Handlers, 'listImages' | 'getImage' | 'nextUnreviewed'> {
  return {
    listImages: ({ offset, limit, filter, sort }) => ws.project.images.list(offset, limit, filter, sort),
    getImage: ({ id }) => publicDetail(ws.project.images.get(id)),
    nextUnreviewed: ({ after, filter, sort }) => {
      const id = ws.project.images.nextUnreviewed(after, filter, sort)
      return id === null ? null : publicDetail(ws.project.images.get(id))
    }
  }
}

/** Strips internal columns; paths stay as stored (relative to the project file). */
function publicDetail<T extends { thermalChannel?: unknown; thermalRawPath?: unknown; contentHash?: unknown }>(d: T) {
  const { thermalChannel: _c, thermalRawPath: _r, contentHash: _h, ...rest } = d
  return rest as Omit<T, 'thermalChannel' | 'thermalRawPath' | 'contentHash'>
}
