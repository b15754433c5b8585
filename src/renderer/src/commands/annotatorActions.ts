import { api } from '../api'
import { useAppStore } from '../stores/app'
import { useBrowser } from '../stores/browser'
import { useEditor } from '../stores/editor'
import { useNotify } from '../stores/notify'
import { inflateBase64 } from '../lib/deflate'
import { EditSession, type SessionListener } from '../lib/editSession'
import { findRegions } from '../lib/regions'
import { regionSkipClasses } from '@shared/labelmap/regions'
import { fetchThermalRaw, percentileWindow, thermalFromImage } from '../lib/thermal'
import type { Rect } from '../lib/rect'
import { clientId } from '../lib/clientId'
import type { EventPayload } from '@shared/contract'

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.decoding = 'async'
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error(`Could not load ${url.replace(/[?&]t=[^&]+/, '')}`))
    img.src = url
  })
}

async function labelMap(imageId: number, which: 'current' | 'proposal' | 'confidence') {
  const m = await api.getLabelMap({ imageId, which })
  return m ? { width: m.width, height: m.height, data: await inflateBase64(m.data) } : null
}

/** Loads everything the annotator needs for one image; the session reports changes through `listener`. */
export async function loadAnnotatorImage(imageId: number, listener: SessionListener): Promise<void> {
  const ed = useEditor()
  ed.resetImage()
  try {
    const image = await api.getImage({ id: imageId })
    const [current, proposal, confidence, hist, rgbImage, thermal] = await Promise.all([
      labelMap(imageId, 'current'),
      labelMap(imageId, 'proposal'),
      labelMap(imageId, 'confidence'),
      api.getHistory({ imageId, limit: 200 }),
      loadImage(api.mediaUrl(`/media/rgb/${imageId}`)).catch(() => null),
      fetchThermalRaw(api.mediaUrl(`/media/thermal-raw/${imageId}`)).catch(async () => thermalFromImage(await loadImage(api.mediaUrl(`/media/thermal/${imageId}`)))).catch(() => null)
    ])
    const { width, height } = image
    const map = current && current.width === width && current.height === height ? current.data : new Uint8Array(width * height)
    const session = new EditSession(api, imageId, width, height, map, listener, clientId)
    session.history = hist.state
    session.status = image.status
    const regions = proposal && proposal.width === width ? findRegions(proposal.data, confidence?.data ?? null, width, height, regionSkipClasses(useAppStore().project?.classes ?? [])) : null
    ed.image = image
    ed.entries = hist.entries
    ed.regions = regions?.regions ?? []
    if (thermal) {
      const w = percentileWindow(thermal)
      ed.windowMin = w.min
      ed.windowMax = w.max
    }
    ed.setData({ session, regions, thermal, rgbImage })
    ed.syncFromSession()
  } catch (e) {
    ed.loadError = e instanceof Error ? e.message : String(e)
    useNotify().error('Could not open the image', e)
  } finally {
    ed.loading = false
  }
}

export async function refreshHistory(): Promise<void> {
  const ed = useEditor()
  if (!ed.image) return
  try {
    ed.entries = (await api.getHistory({ imageId: ed.image.id, limit: 200 })).entries
  } catch {
    /* the panel keeps its last list; the next action refreshes it again */
  }
}

/**
 * Another window edited, undid or redid the open image (undo is per image, shared by every window):
 * load the stored map and history again and say so. Own changes and other images are ignored.
 */
export async function onAnnotationChanged(e: EventPayload<'annotation.changed'>): Promise<void> {
  const ed = useEditor()
  const s = ed.data?.session
  if (!s || e.imageId !== s.imageId || e.by === clientId) return
  if (s.pending > 0) return // unsaved edits here: their save reports the conflict and offers a reload
  try {
    const [current, hist, image] = await Promise.all([labelMap(s.imageId, 'current'), api.getHistory({ imageId: s.imageId, limit: 200 }), api.getImage({ id: s.imageId })])
    if (ed.data?.session !== s || !current || !s.replaceMap(current.data, hist.state, image.status)) return
    ed.entries = hist.entries
    useNotify().info(`Changed by another window (${e.action})`)
  } catch (err) {
    useNotify().error('Could not reload the image changed by another window', err)
  }
}

export async function undoRedo(which: 'undo' | 'redo'): Promise<void> {
  const ed = useEditor()
  const s = ed.data?.session
  if (!s) return
  try {
    await (which === 'undo' ? s.undo() : s.redo())
    void refreshHistory()
  } catch (e) {
    useNotify().error(which === 'undo' ? 'Undo failed' : 'Redo failed', e)
  }
}

/** Sets region pixels (those still holding the region's class) to `value` as one edit. */
export function paintRegionEdit(regionId: number, value: number, label: string): Rect | null {
  const ed = useEditor()
  const d = ed.data
  const region = ed.regions.find((r) => r.id === regionId)
  if (!d?.regions || !region) return null
  const ids = d.regions.labels
  return d.session.edit(label, (map, width) => {
    const { x, y, w, h } = region.bbox
    let changed = 0
    for (let yy = y; yy < y + h; yy++)
      for (let xx = x; xx < x + w; xx++) {
        const i = yy * width + xx
        if (ids[i] === regionId && map[i] === region.classIndex && map[i] !== value) {
          map[i] = value
          changed++
        }
      }
    return changed ? region.bbox : null
  })
}

/** N: leave this image as it is (edits are saved already) and open the next unreviewed one. */
export async function skipToNext(): Promise<void> {
  const ed = useEditor()
  const b = useBrowser()
  if (!ed.image) return
  try {
    const next = await api.nextUnreviewed({ after: ed.image.id, filter: b.filter, sort: b.sort })
    if (next) useAppStore().openImage(next.id)
    else useNotify().info('No unreviewed image after this one')
  } catch (e) {
    useNotify().error('Could not find the next image', e)
  }
}

/** Enter: accept the current map as ground truth, then open the next unreviewed image. */
export async function acceptAndNext(): Promise<void> {
  const ed = useEditor()
  const app = useAppStore()
  const b = useBrowser()
  const notify = useNotify()
  const s = ed.data?.session
  if (!ed.image || !s) return
  await s.idle()
  if (s.pending > 0) {
    notify.push({ kind: 'error', title: 'Not accepted: an edit is not saved yet', detail: ed.saveError ?? 'Retry the save first.' })
    return
  }
  try {
    const id = ed.image.id
    const res = await api.acceptImage({ imageId: id })
    ed.status = res.status
    s.status = res.status
    b.patchRow(id, res.status)
    const next = await api.nextUnreviewed({ after: id, filter: b.filter, sort: b.sort })
    // The person may have left (Esc → browser) or opened another image meanwhile: stay where they are.
    if (app.view !== 'annotator' || app.imageId !== id) return
    if (next) app.openImage(next.id)
    else {
      notify.info('All images reviewed', 'Nothing left to review in this filter.')
      app.backToBrowser()
    }
  } catch (e) {
    notify.error('Could not accept the image', e)
  }
}
