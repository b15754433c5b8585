import { defineStore } from 'pinia'
import type { EmbeddingState, PromptModelInfo, PromptSource } from '@shared/contract/methods/prompt'
import { api } from '../../api'
import { ClickTool, type ClickBox, type ClickMode, type ClickPoint, type ClickSession } from './clickTool'
import { watchEmbedding } from './embeddingStatus'
import { nextInBrowserOrder } from './clickToolHelpers'
import { useAppStore } from '../../stores/app'
import { useBrowser } from '../../stores/browser'
import { useEditor } from '../../stores/editor'
import { useNotify } from '../../stores/notify'

/** How many images after the current one (browser order) get their embedding computed ahead. */
const PREPARE_AHEAD = 4

/** What the embedding line of the panel says; 'no-model' when the project has no prompt model. */
export type EmbeddingView = EmbeddingState | 'unavailable' | 'no-model' | 'idle'

// The controller holds typed arrays and pending promises: kept outside the reactive state.
let controller: ClickTool | null = null
let stopWatch: (() => void) | null = null

/**
 * The click-to-segment tool of the annotator (issue 8): mounts the Vue-independent ClickTool on
 * the open image's edit session and mirrors what the UI shows (mode, preview size, busy, error,
 * embedding state, prompt model). The canvas redraws its overlay when `revision` changes.
 */
export const useClickTool = defineStore('clickTool', {
  state: () => ({
    /** The project's prompt model; null when it has none (or before the tool was first used). */
    model: null as PromptModelInfo | null,
    embedding: 'idle' as EmbeddingView,
    busy: false,
    error: null as string | null,
    preview: null as { area: number; score: number | null; hover: boolean } | null,
    points: [] as ClickPoint[],
    box: null as ClickBox | null,
    revision: 0
  }),
  getters: {
    /** Something a click made (not just the hover preview): Enter commits it, Esc drops it. */
    hasDraft: (s) => (!!s.preview && !s.preview.hover) || s.points.length > 0 || s.box !== null,
    mode: () => useEditor().clickMode
  },
  actions: {
    controller(): ClickTool | null {
      return controller
    },
    /** A new image is open: a fresh controller on its session (which writes and announces the pixels). */
    attach(session: ClickSession) {
      const ed = useEditor()
      controller = new ClickTool({ api, session, onChange: () => this.sync() })
      controller.mode = ed.clickMode === 'prompt' && this.model ? 'prompt' : 'wand'
      Object.assign(controller.wand, { tolerance: ed.wandTolerance, useRgbEdges: ed.wandEdges, edgeThreshold: ed.wandEdgeThreshold })
      this.sync()
      if (ed.tool === 'click') void this.activate()
    },
    detach() {
      controller?.cancel()
      controller = null
      stopWatch?.()
      stopWatch = null
      this.embedding = 'idle'
      this.sync()
    },
    sync() {
      const c = controller
      this.busy = c?.busy ?? false
      this.error = c?.error ?? null
      this.preview = c?.preview ? { area: c.preview.area, score: c.preview.score, hover: c.preview.hover } : null
      this.points = c ? [...c.points] : []
      this.box = c?.box ? { ...c.box } : null
      this.revision++
    },
    /** The tool was picked (or an image opened with it): learn the model, prepare embeddings. */
    async activate() {
      // Asked again on every image: cheap, and a model registered meanwhile (CLI) shows up.
      try {
        this.model = await api.getPromptModel()
      } catch {
        this.model = null
      }
      if (!this.model) {
        this.embedding = 'no-model'
        if (useEditor().clickMode === 'prompt') this.setMode('wand')
        return
      }
      const mode = useEditor().clickMode
      if (controller && controller.mode !== mode) controller.setMode(mode)
      this.watchCurrent()
    },
    /** Prepares the current image and the next few, and follows the current one's state. */
    watchCurrent() {
      stopWatch?.()
      stopWatch = null
      const id = useEditor().image?.id
      if (!controller || id === undefined || !this.model) return
      const b = useBrowser()
      const rows = [...b.pages.keys()].sort((x, y) => x - y).flatMap((p) => b.pages.get(p) ?? [])
      this.embedding = 'queued'
      stopWatch = watchEmbedding(api, id, nextInBrowserOrder(rows, id, PREPARE_AHEAD), (s) => (this.embedding = s))
    },
    setMode(mode: ClickMode) {
      const ed = useEditor()
      if (mode === 'prompt' && !this.model) {
        useNotify().info('No prompt model in this project', 'Click-to-segment needs a SAM/SAM2 pair or a model package added to this project (the Models panel of the image browser, Ctrl+Shift+M). The thermal wand needs none.')
        mode = 'wand'
      }
      ed.clickMode = mode
      controller?.setMode(mode)
    },
    toggleMode() {
      this.setMode(useEditor().clickMode === 'wand' ? 'prompt' : 'wand')
    },
    /** Wand settings from the panel or the keys: the controller redoes the last click, the editor keeps them. */
    setWand(patch: Partial<ClickTool['wand']>) {
      if (!controller || Object.values(patch).some((v) => typeof v === 'number' && !Number.isFinite(v))) return
      void controller.setWandOptions(patch)
      const w = controller.wand
      Object.assign(useEditor(), { wandTolerance: w.tolerance, wandEdges: w.useRgbEdges, wandEdgeThreshold: w.edgeThreshold })
    },
    adjustTolerance(delta: number) {
      if (controller) this.setWand({ tolerance: controller.wand.tolerance + delta })
    },
    /** Enter: waits for the answer still in flight (Enter right after a click), then commits. */
    async commit(): Promise<boolean> {
      const c = controller
      const until = Date.now() + 15_000
      while (c?.busy && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
      if (!c || c !== controller) return false
      const ed = useEditor()
      const name = useAppStore().project?.classes.find((k) => k.index === ed.classIndex)?.name ?? `class ${ed.classIndex}`
      return c.commit(ed.classIndex, name)
    },
    cancel() {
      controller?.cancel()
    },
    async setSource(source: PromptSource) {
      try {
        this.model = await api.setPromptSource({ source })
        controller?.cancel() // a preview from the other source's embedding no longer matches
        this.watchCurrent()
      } catch (e) {
        useNotify().error('Could not change the encoder source', e)
      }
    }
  }
})
