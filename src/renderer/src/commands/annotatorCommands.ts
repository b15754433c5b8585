import { api } from '../api'
import type { Command } from './registry'
import { useAppStore } from '../stores/app'
import { useEditor, type Tool } from '../stores/editor'
import { useClickTool } from '../tools/click/clickToolStore'
import { useNotify } from '../stores/notify'
import { percentileWindow } from '../lib/thermal'
import { acceptAndNext, paintRegionEdit, skipToNext, undoRedo } from './annotatorActions'

/** Brush diameters the [ and ] keys step through (each step ≈ 1.25×, and [ undoes ]). */
const SIZES = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 200, 256, 320, 400]

/** What the commands need from the canvas component. */
export interface CanvasHandle {
  fit(): void
  oneToOne(): void
  zoomBy(f: number): void
  setOffset(dx: number, dy: number): void
  closePolygon(): void
  cancelPolygon(): void
  hasPolygon(): boolean
}

/** The annotator's command table: every toolbar button and key goes through one of these ids. */
export function annotatorCommands(canvas: () => CanvasHandle | null): Command[] {
  const ed = useEditor()
  const app = useAppStore()
  const notify = useNotify()
  const click = useClickTool()
  /** The click tool holds points or a clicked mask: Enter and Esc belong to it, not to the image. */
  const clickDraft = () => ed.tool === 'click' && click.hasDraft
  const ready = () => !!ed.data && !ed.alignMode
  const classes = () => app.project?.classes ?? []
  const className = (i: number) => classes().find((c) => c.index === i)?.name ?? `class ${i}`
  const tool = (id: Tool, label: string, key: string): Command => ({ id: `tool.${id}`, label, keybinding: key, group: 'Tools', run: () => (ed.tool = id) })

  function region(kind: 'accept' | 'reject' | 'relabel') {
    const id = ed.selectedRegion
    if (id === null) return notify.info('Select a region first', 'Click it in the list or with the select tool (V).')
    const r = ed.regions.find((q) => q.id === id)
    if (!r) return
    if (kind === 'accept') {
      ed.decided.set(id, 'accepted')
    } else if (kind === 'reject') {
      paintRegionEdit(id, 0, `Reject region ${id}`)
      ed.decided.set(id, 'rejected')
    } else {
      paintRegionEdit(id, ed.classIndex, `Relabel region ${id}: ${className(r.classIndex)} → ${className(ed.classIndex)}`)
      ed.decided.set(id, 'accepted')
    }
    // Move on to the next undecided region, the way a reviewer walks the list.
    const next = ed.regions.find((q) => !ed.decided.has(q.id))
    ed.selectedRegion = next ? next.id : id
  }

  /** Walks the regions in the list's order (least confident first). */
  function stepRegion(dir: 1 | -1) {
    const order = [...ed.regions].sort((a, b) => (a.meanConfidence ?? 1) - (b.meanConfidence ?? 1))
    const i = order.findIndex((r) => r.id === ed.selectedRegion)
    const next = i < 0 ? (dir > 0 ? 0 : order.length - 1) : (i + dir + order.length) % order.length
    ed.selectedRegion = order[next].id
  }

  let saveTimer: ReturnType<typeof setTimeout> | null = null
  function nudge(dx: number, dy: number) {
    if (!ed.image) return
    const reg = ed.image.registration
    reg.dx = Math.max(-256, Math.min(256, reg.dx + dx))
    reg.dy = Math.max(-256, Math.min(256, reg.dy + dy))
    canvas()?.setOffset(reg.dx, reg.dy)
    if (saveTimer) clearTimeout(saveTimer)
    const imageId = ed.image.id
    saveTimer = setTimeout(() => {
      api.setRegistration({ imageId, dx: reg.dx, dy: reg.dy }).catch((e) => notify.error('Could not save the registration offset', e))
    }, 300)
  }

  const cmds: Command[] = [
    { id: 'annotator.back', label: 'Back to the image browser', keybinding: 'Escape', group: 'Navigation', when: () => !canvas()?.hasPolygon() && !ed.alignMode && !clickDraft(), run: () => app.backToBrowser() },
    { id: 'image.accept', label: 'Accept image and open the next unreviewed', keybinding: 'Enter', group: 'Review', when: () => ready() && !canvas()?.hasPolygon() && !clickDraft(), run: acceptAndNext },
    { id: 'image.nextUnreviewed', label: 'Skip to the next unreviewed image (no accept)', keybinding: 'N', group: 'Review', when: ready, run: skipToNext },
    { id: 'history.undo', label: 'Undo', keybinding: 'Ctrl+Z', group: 'Edit', when: () => !!ed.data && ed.history.canUndo, run: () => undoRedo('undo') },
    { id: 'history.redo', label: 'Redo', keybinding: ['Ctrl+Shift+Z', 'Ctrl+Y'], group: 'Edit', when: () => !!ed.data && ed.history.canRedo, run: () => undoRedo('redo') },
    { id: 'history.retrySave', label: 'Retry the failed save', group: 'Edit', when: () => !!ed.saveError, run: () => ed.data?.session.retry() },
    tool('brush', 'Brush', 'B'),
    tool('eraser', 'Eraser (paints unlabeled)', 'E'),
    tool('fill', 'Flood fill (relabel connected pixels)', 'F'),
    tool('click', 'Click-to-segment (thermal wand or prompt model)', 'C'),
    { id: 'tool.wand', label: 'Thermal wand (click tool in wand mode)', keybinding: 'W', group: 'Tools', run: () => {
        ed.tool = 'click'
        click.setMode('wand')
      }
    },
    tool('polygon', 'Polygon fill', 'P'),
    tool('select', 'Select region', 'V'),
    tool('pan', 'Pan', 'H'),
    ...clickCommands(clickDraft),
    { id: 'tool.smaller', label: 'Smaller brush', keybinding: '[', group: 'Tools', when: () => ed.tool !== 'click', run: () => (ed.brushSize = [...SIZES].reverse().find((v) => v < ed.brushSize) ?? SIZES[0]) },
    { id: 'tool.larger', label: 'Larger brush', keybinding: ']', group: 'Tools', when: () => ed.tool !== 'click', run: () => (ed.brushSize = SIZES.find((v) => v > ed.brushSize) ?? SIZES[SIZES.length - 1]) },
    { id: 'polygon.close', label: 'Close polygon and fill', keybinding: 'Enter', group: 'Tools', when: () => !!canvas()?.hasPolygon(), run: () => canvas()?.closePolygon() },
    { id: 'polygon.cancel', label: 'Cancel polygon', keybinding: 'Escape', group: 'Tools', when: () => !!canvas()?.hasPolygon(), run: () => canvas()?.cancelPolygon() },
    { id: 'view.flip', label: 'Flip RGB / thermal', keybinding: 'Space', group: 'View', when: ready, run: () => ed.flip() },
    { id: 'view.rgb', label: 'Show RGB', group: 'View', run: () => (ed.mode = 'rgb') },
    { id: 'view.thermal', label: 'Show thermal', group: 'View', run: () => (ed.mode = 'thermal') },
    { id: 'view.blend', label: 'Blend RGB and thermal', keybinding: 'Shift+B', group: 'View', run: () => (ed.mode = 'blend') },
    { id: 'view.side', label: 'Side by side (RGB | thermal, synchronised)', keybinding: 'Shift+S', group: 'View', run: () => (ed.mode = ed.mode === 'side' ? ed.lastSingle : 'side') },
    {
      id: 'view.autoWindow',
      label: 'Auto thermal window (1st–99th percentile)',
      group: 'View',
      when: () => !!ed.data?.thermal,
      run: () => {
        const w = percentileWindow(ed.data!.thermal!)
        ed.windowMin = w.min
        ed.windowMax = w.max
      }
    },
    { id: 'view.fullWindow', label: 'Full thermal range', group: 'View', when: () => !!ed.data?.thermal, run: () => {
        ed.windowMin = 0
        ed.windowMax = ed.windowRange
      }
    },
    { id: 'view.overlay', label: 'Toggle mask overlay', keybinding: 'M', group: 'View', run: () => (ed.overlay = !ed.overlay) },
    { id: 'view.outline', label: 'Outline-only mask', keybinding: 'O', group: 'View', run: () => (ed.outline = !ed.outline) },
    { id: 'view.fit', label: 'Fit to window', keybinding: '0', group: 'View', run: () => canvas()?.fit() },
    { id: 'view.oneToOne', label: 'Actual pixels (1:1) at cursor', keybinding: 'Ctrl+1', group: 'View', run: () => canvas()?.oneToOne() },
    { id: 'view.zoomIn', label: 'Zoom in', keybinding: ['+', '='], group: 'View', run: () => canvas()?.zoomBy(1.25) },
    { id: 'view.zoomOut', label: 'Zoom out', keybinding: '-', group: 'View', run: () => canvas()?.zoomBy(0.8) },
    { id: 'region.accept', label: 'Accept selected region', keybinding: 'A', group: 'Review', when: ready, run: () => region('accept') },
    { id: 'region.reject', label: 'Reject selected region (→ unlabeled)', keybinding: 'R', group: 'Review', when: ready, run: () => region('reject') },
    { id: 'region.relabel', label: 'Relabel selected region to the active class', keybinding: 'L', group: 'Review', when: ready, run: () => region('relabel') },
    { id: 'region.next', label: 'Select next region (least confident first)', keybinding: 'J', group: 'Review', when: () => ready() && ed.regions.length > 0, run: () => stepRegion(1) },
    { id: 'region.previous', label: 'Select previous region', keybinding: 'K', group: 'Review', when: () => ready() && ed.regions.length > 0, run: () => stepRegion(-1) },
    { id: 'region.acceptAll', label: 'Accept all remaining regions', keybinding: 'Shift+A', group: 'Review', when: ready, run: () => ed.regions.forEach((r) => ed.decided.has(r.id) || ed.decided.set(r.id, 'accepted')) },
    { id: 'align.toggle', label: 'Align mode (arrows nudge thermal)', keybinding: 'G', group: 'Registration', when: () => !!ed.data, run: () => (ed.alignMode = !ed.alignMode) },
    { id: 'align.left', label: 'Nudge thermal left', keybinding: 'ArrowLeft', group: 'Registration', when: () => ed.alignMode, run: () => nudge(-1, 0) },
    { id: 'align.right', label: 'Nudge thermal right', keybinding: 'ArrowRight', group: 'Registration', when: () => ed.alignMode, run: () => nudge(1, 0) },
    { id: 'align.up', label: 'Nudge thermal up', keybinding: 'ArrowUp', group: 'Registration', when: () => ed.alignMode, run: () => nudge(0, -1) },
    { id: 'align.down', label: 'Nudge thermal down', keybinding: 'ArrowDown', group: 'Registration', when: () => ed.alignMode, run: () => nudge(0, 1) },
    { id: 'align.exit', label: 'Leave align mode', keybinding: 'Escape', group: 'Registration', when: () => ed.alignMode, run: () => (ed.alignMode = false) }
  ]
  // Number keys pick a class: 0 is handled by Fit, so class 0 (unlabeled) is picked by the eraser or the palette.
  for (let k = 1; k <= 9; k++)
    cmds.push({
      id: `class.pick${k}`,
      label: `Pick class ${k}`,
      keybinding: String(k),
      group: 'Classes',
      when: () => classes().some((c) => c.index === k),
      run: () => {
        ed.classIndex = k
        if (ed.tool === 'eraser' || ed.tool === 'pan' || ed.tool === 'select') ed.tool = 'brush'
      }
    })
  return cmds
}

/** The click tool's keys (issue 8): they apply only while it is the active tool. */
function clickCommands(clickDraft: () => boolean): Command[] {
  const ed = useEditor()
  const click = useClickTool()
  const wand = () => ed.tool === 'click' && ed.clickMode === 'wand'
  return [
    { id: 'click.toggleMode', label: 'Click tool: switch thermal wand / prompt model', keybinding: 'Shift+C', group: 'Tools', when: () => !!ed.data, run: () => {
        if (ed.tool !== 'click') ed.tool = 'click'
        click.toggleMode()
      }
    },
    { id: 'click.toleranceDown', label: 'Thermal wand: lower tolerance', keybinding: '[', group: 'Tools', when: wand, run: () => click.adjustTolerance(-4) },
    { id: 'click.toleranceUp', label: 'Thermal wand: higher tolerance', keybinding: ']', group: 'Tools', when: wand, run: () => click.adjustTolerance(4) },
    { id: 'click.commit', label: 'Click tool: write the mask as the active class', keybinding: 'Enter', group: 'Tools', when: clickDraft, run: () => click.commit() },
    { id: 'click.cancel', label: 'Click tool: drop points, box and mask', keybinding: 'Escape', group: 'Tools', when: clickDraft, run: () => click.cancel() }
  ]
}
