import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { fromBase64Deflated, deflateLabels, toPayload } from '../../store/labelCodec'
import { checkRect } from '../../store/annotationsRepo'
import type { LabelPatch } from '@shared/contract/methods/annotations'

type Names = 'getLabelMap' | 'applyEdit' | 'undo' | 'redo' | 'getHistory' | 'acceptImage' | 'setRegistration'

export function annotationHandlers(ws: Workstation): Pick<Handlers, Names> {
  const patchOf = (p: { rect: LabelPatch['rect']; values: Uint8Array } | null): LabelPatch | null =>
    p ? { rect: p.rect, encoding: 'deflate-base64', data: Buffer.from(deflateLabels(p.values)).toString('base64') } : null
  // Every image can be painted: one without a map starts as all-unlabeled.
  const ensureMap = (imageId: number) => {
    const img = ws.project.images.get(imageId)
    ws.project.annotations.ensure(imageId, img.width, img.height)
  }
  const step = (imageId: number, dir: -1 | 1, clientId: string | undefined) => {
    const r = ws.project.annotations.step(imageId, dir)
    const status = ws.project.images.status(imageId)
    if (r.patch) {
      ws.hub.emit('image.changed', { imageId, status })
      ws.hub.emit('annotation.changed', { imageId, headSeq: r.state.head, by: clientId ?? null, action: dir < 0 ? 'undo' : 'redo' })
    }
    return { history: r.state, status, patch: patchOf(r.patch) }
  }
  return {
    getLabelMap: ({ imageId, which }) => {
      const store = ws.project
      if (which === 'current') {
        const img = store.images.get(imageId)
        // A read never writes (a full disk or read-only file must still show the map): an image
        // without a map reads as all-unlabeled; the first edit or accept creates the row.
        const cur = store.annotations.currentDeflated(imageId) ?? { width: img.width, height: img.height, data: deflateLabels(new Uint8Array(img.width * img.height)) }
        return toPayload(cur.width, cur.height, cur.data)
      }
      const p = store.proposals.latestDeflated(imageId, which === 'proposal' ? 'labels' : 'confidence')
      return p ? toPayload(p.width, p.height, p.data) : null
    },
    applyEdit: ({ imageId, label, baseSeq, rect, data, clientId }) => {
      const store = ws.project
      // The rect must fit the image before its data is inflated: rect w*h bounds the inflate.
      const img = store.images.get(imageId)
      checkRect(rect, img.width, img.height, imageId)
      const values = fromBase64Deflated(data, rect.w * rect.h, `edit "${label}"`)
      ensureMap(imageId)
      const r = store.annotations.applyEdit(imageId, label, baseSeq, rect, values)
      const status = store.images.status(imageId)
      ws.hub.emit('image.changed', { imageId, status })
      ws.hub.emit('annotation.changed', { imageId, headSeq: r.state.head, by: clientId ?? null, action: 'edit' })
      return { history: r.state, status, pixels: r.pixels }
    },
    undo: ({ imageId, clientId }) => step(imageId, -1, clientId),
    redo: ({ imageId, clientId }) => step(imageId, 1, clientId),
    getHistory: ({ imageId, limit }) => ({ state: ws.project.annotations.state(imageId), entries: ws.project.annotations.history(imageId, limit) }),
    acceptImage: ({ imageId }) => {
      ensureMap(imageId)
      const r = ws.project.annotations.accept(imageId)
      ws.hub.emit('image.changed', { imageId, status: r.status })
      ws.hub.emit('project.changed', { path: ws.project.path })
      return r
    },
    setRegistration: ({ imageId, dx, dy }) => {
      ws.project.images.setRegistration(imageId, dx, dy)
      return { dx, dy }
    }
  }
}
