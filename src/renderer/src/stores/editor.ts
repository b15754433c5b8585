import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import { ApiError, type HistoryEntry, type HistoryState, type ImageDetail, type ImageStatus } from '@shared/contract'
import type { ColormapName } from '../lib/colormaps'
import type { EditSession } from '../lib/editSession'
import type { ProposalRegion, RegionTable } from '../lib/regions'
import type { ThermalRaw } from '../lib/thermal'
import type { ViewMode } from '../lib/viewerScene'
import type { ClickMode } from '../tools/click/clickTool'

const PREFS_KEY = 'twinlight.editorPrefs'
/** Tool and view settings a person expects to find again after a reload (not image data). */
const prefKeys = ['tool', 'brushSize', 'classIndex', 'mode', 'alpha', 'colormap', 'overlay', 'overlayOpacity', 'outline', 'wandTolerance', 'wandEdges', 'wandEdgeThreshold', 'clickMode'] as const

function loadPrefs(): Record<string, unknown> {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Record<string, unknown>
    // The client-side magic wand became the click tool's thermal wand (one wand, main's algorithm).
    if (p.tool === 'wand') Object.assign(p, { tool: 'click', clickMode: 'wand' })
    delete p.wandSource
    return p
  } catch {
    return {}
  }
}

function defaults() {
  return {
    tool: 'brush' as Tool,
    brushSize: 12,
    classIndex: 1,
    mode: 'rgb' as ViewMode,
    /** The single mode Space flips back to from blend. */
    lastSingle: 'rgb' as 'rgb' | 'thermal',
    alpha: 0.5,
    colormap: 'inferno' as ColormapName,
    windowMin: 0,
    windowMax: 255,
    overlay: true,
    overlayOpacity: 0.55,
    outline: false,
    /** Thermal wand tolerance in display grey levels ([ and ] with the click tool). */
    wandTolerance: 24,
    /** Thermal wand: RGB edges (Sobel magnitude ≥ the threshold) stop the region. */
    wandEdges: true,
    wandEdgeThreshold: 60,
    /** Click tool: thermal wand (no model) or the project's prompt model. */
    clickMode: 'wand' as ClickMode
  }
}

export type Tool = 'brush' | 'eraser' | 'fill' | 'click' | 'polygon' | 'select' | 'pan'

/** Heavy, non-reactive data of the open image (typed arrays, canvases). */
export interface EditorData {
  session: EditSession
  regions: RegionTable | null
  thermal: ThermalRaw | null
  rgbImage: HTMLImageElement | null
}

/**
 * The annotator's scene: tool and view settings (kept across images), the open image's
 * history/status and its proposal regions. Pixels live in `data` (markRaw), drawn by Konva.
 */
export const useEditor = defineStore('editor', {
  state: () => ({
    ...defaults(),
    ...(loadPrefs() as Partial<ReturnType<typeof defaults>>),
    image: null as ImageDetail | null,
    loading: true,
    loadError: null as string | null,
    data: null as EditorData | null,
    alignMode: false,
    zoom: 1,
    history: { head: 0, canUndo: false, canRedo: false, undoLabel: null, redoLabel: null } as HistoryState,
    entries: [] as HistoryEntry[],
    status: 'new' as ImageStatus,
    pending: 0,
    saveError: null as string | null,
    /** ApiError code of the failed save ('conflict' needs a reload, anything else a retry). */
    saveErrorCode: null as string | null,
    regions: [] as ProposalRegion[],
    selectedRegion: null as number | null,
    /** Per-region decisions in this review (accept keeps pixels; reject is also an edit). */
    decided: new Map<number, 'accepted' | 'rejected'>()
  }),
  getters: {
    windowRange: (s) => (s.data?.thermal?.bits === 16 ? 65535 : 255)
  },
  actions: {
    setData(d: EditorData | null) {
      this.data = d ? markRaw(d) : null
    },
    syncFromSession() {
      const s = this.data?.session
      if (!s) return
      this.history = { ...s.history }
      this.status = s.status
      this.pending = s.pending
      this.saveError = s.saveError ? (s.saveError instanceof Error ? s.saveError.message : String(s.saveError)) : null
      this.saveErrorCode = s.saveError instanceof ApiError ? s.saveError.code : null
    },
    flip() {
      if (this.mode === 'blend') this.mode = this.lastSingle === 'rgb' ? 'thermal' : 'rgb'
      else this.mode = this.mode === 'rgb' ? 'thermal' : 'rgb'
      this.lastSingle = this.mode as 'rgb' | 'thermal'
    },
    savePrefs() {
      const out: Record<string, unknown> = {}
      for (const k of prefKeys) out[k] = this[k]
      localStorage.setItem(PREFS_KEY, JSON.stringify(out))
    },
    resetImage() {
      this.image = null
      this.loading = true
      this.loadError = null
      this.regions = []
      this.selectedRegion = null
      this.decided = new Map()
      this.entries = []
      this.pending = 0
      this.saveError = null
      this.alignMode = false
      this.setData(null)
    }
  }
})
