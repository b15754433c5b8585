/**
 * Second synthetic family: indoor/underground RGB-T scenes in PST900's classes and sensor layout
 * (Background, Fire-Extinguisher, Backpack, Hand-Drill, Survivor), so that learning a new class
 * table is measurable next to the MFNet street family. Pure function of (seed, options).
 *
 * Recipe: a tunnel/corridor (ceiling, side walls, back wall, floor) with pipes and lamps, a
 * cluttered floor (grit, rocks, planks, crates), one to four objects painted far-to-near with
 * clutter interleaved so it occludes them. Thermal is rendered in the RGB frame, then reprojected
 * through a horizontal stereo baseline with a per-pixel depth: RGB pixels that the thermal camera
 * cannot see (behind a nearer surface, or beyond its frame) become 0-valued holes, as in PST900.
 * thermal_raw is the same field in 16-bit counts; thermal = (raw − RAW_LO)·255/RAW_SPAN.
 */
import { createLayers, fillEllipse, fillPolygon, fillRect, paint, strokeLine, type SceneLayers } from './raster'
import { chance, hashSeed, intIn, mulberry32, pick, uniform } from './prng'
import type { DrawContext } from './objects'
import { PST900, drawBackpack, drawFireExtinguisher, drawHandDrill, drawSurvivor } from './indoorObjects'
import { applyRgbEffects, renderThermal } from './postprocess'
import { collectObjects, type SceneObject } from './scene'

export interface IndoorSceneOptions {
  width?: number
  height?: number
  /** Thermal sensor noise amplitude, fraction of range. Default 0.01. */
  thermalNoise?: number
}

export interface IndoorScene {
  width: number
  height: number
  /** HWC, 3 channels. */
  rgb: Uint8Array
  /** HW, 8-bit; 0 only in reprojection holes. */
  thermal: Uint8Array
  /** HW, 16-bit counts; 0 exactly where thermal is 0. */
  thermalRaw: Uint16Array
  /** HW, millimetres. */
  depth: Uint16Array
  /** HW, PST900 class indices 0..4. */
  label: Uint8Array
  /** HW, 0 = none, unique id per labelled object. */
  instances: Uint16Array
  objects: SceneObject[]
}

/** 16-bit counts of thermal 0..1 (roughly a Boson's radiometric range indoors). */
export const RAW_LO = 20000
export const RAW_SPAN = 12000

const Z_NEAR = 1.5 // metres at the bottom image row
const Z_FAR = 20

/** Background depth by row: the floor and ceiling recede towards the vanishing row. */
function rowDepth(y: number, hy: number, H: number): number {
  return Math.min(Z_FAR, (Z_NEAR * (H - hy)) / Math.max(0.5, Math.abs(y + 0.5 - hy)))
}

function drawTunnel(L: SceneLayers, c: DrawContext, hy: number, vx: number, bw: number, bh: number): void {
  const { rng } = c
  const { width: W, height: H } = L
  const g = uniform(rng, 70, 130)
  const warm = uniform(rng, 0.9, 1.15)
  const wall = (k: number, dt: number) => paint(g * k * warm, g * k, g * k / warm, c.ambient + dt)
  fillRect(L, 0, 0, W, H, wall(0.8, -0.02))
  fillPolygon(L, [0, 0, vx - bw, hy - bh, vx - bw, hy, -0.3 * W, H], wall(0.95, -0.01))
  fillPolygon(L, [W, 0, vx + bw, hy - bh, vx + bw, hy, 1.3 * W, H], wall(0.7, -0.01))
  fillPolygon(L, [0, 0, W, 0, vx + bw, hy - bh, vx - bw, hy - bh], wall(0.55, 0.01))
  fillRect(L, vx - bw, hy - bh, vx + bw, hy, wall(0.45, -0.03))
  const fg = uniform(rng, 60, 110)
  fillPolygon(L, [vx - bw, hy, vx + bw, hy, 1.3 * W, H, -0.3 * W, H], paint(fg * warm, fg * 0.95, fg * 0.85 / warm, c.ambient + 0.01))
  // Pipes along the walls and lamps along the ceiling, converging on the back wall.
  for (let k = intIn(rng, 1, 3); k > 0; k--) {
    const side = chance(rng, 0.5) ? -1 : 1
    const f = uniform(rng, 0.1, 0.8)
    const y0 = f * H * 0.6
    const x0 = side < 0 ? 0 : W
    const pc = uniform(rng, 50, 160)
    const hot = chance(rng, 0.3) ? 0.25 : 0
    strokeLine(L, x0, y0, vx + side * bw, hy - bh + f * bh * 0.6, Math.max(3, 18 * c.u), paint(pc, pc * 0.9, pc * 0.8, c.ambient + hot))
  }
  for (let f = uniform(rng, 0.2, 0.4); f < 1; f += 0.3) {
    const y = lerp(hy - bh, 0, f)
    const x = vx + uniform(rng, -0.2, 0.2) * bw * (1 + 4 * f)
    fillRect(L, x - 30 * f * c.u, y, x + 30 * f * c.u, y + Math.max(2, 10 * f * c.u), paint(250, 240, 200, c.ambient + 0.3))
  }
  // Floor grit: small stones and stains, background class.
  for (let k = intIn(rng, 40, 90); k > 0; k--) {
    const y = hy + Math.pow(rng(), 0.7) * (H - hy)
    const s = (y - hy) / (H - hy)
    const r = uniform(rng, 2, 10) * s * c.u + 1
    const v = uniform(rng, 40, 150)
    fillEllipse(L, uniform(rng, 0, W), y, r * 1.6, r, paint(v, v * 0.95, v * 0.85, c.ambient + uniform(rng, -0.03, 0.03)))
  }
}

/** Floor clutter (background class, own instance id for depth): rock, plank or crate. */
function drawDebris(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const v = uniform(rng, 50, 170)
  const p = paint(v * uniform(rng, 0.9, 1.2), v, v * uniform(rng, 0.7, 1), c.ambient + uniform(rng, -0.03, 0.04), 0, id)
  const kind = rng()
  if (kind < 0.4) fillEllipse(L, cx, yb - 25 * s * u, uniform(rng, 30, 70) * s * u, 25 * s * u, p)
  else if (kind < 0.7) strokeLine(L, cx - 90 * s * u, yb - uniform(rng, 0, 50) * s * u, cx + 90 * s * u, yb, Math.max(c.minThick, 14 * s * u), p)
  else fillRect(L, cx - uniform(rng, 40, 90) * s * u, yb - uniform(rng, 60, 140) * s * u, cx + uniform(rng, 40, 90) * s * u, yb, p)
}

const lerp = (a: number, b: number, f: number): number => a + (b - a) * f
const DRAW = [drawFireExtinguisher, drawBackpack, drawHandDrill, drawSurvivor] as const

export function generateIndoorScene(seed: number, opts: IndoorSceneOptions = {}): IndoorScene {
  const W = opts.width ?? 1280
  const H = opts.height ?? 720
  const rng = mulberry32(hashSeed(seed, 0x1d00, 1))
  const L = createLayers(W, H)
  const u = Math.min(W / 1280, H / 720)
  const hy = H * uniform(rng, 0.38, 0.5)
  const vx = W * uniform(rng, 0.35, 0.65)
  const bw = W * uniform(rng, 0.08, 0.16)
  const bh = hy * uniform(rng, 0.25, 0.45)
  const ambient = uniform(rng, 0.3, 0.38)
  const c: DrawContext = { L, rng, u, minThick: Math.max(2, 8 * u), ambient, lights: [] }
  drawTunnel(L, c, hy, vx, bw, bh)

  const classOf: number[] = [0]
  const depthOf: number[] = [0]
  const items: { yb: number; draw: () => void }[] = []
  const add = (cls: number, sMin: number, draw: (c: DrawContext, x: number, yb: number, s: number, id: number) => void): void => {
    const s = uniform(rng, sMin, 1)
    const yb = hy + s * (H - hy)
    const edgeL = lerp(vx - bw, -0.3 * W, s), edgeR = lerp(vx + bw, 1.3 * W, s)
    const x = lerp(Math.max(0, edgeL), Math.min(W, edgeR), uniform(rng, 0.08, 0.92))
    classOf.push(cls)
    depthOf.push(rowDepth(yb - 1, hy, H))
    const id = classOf.length - 1
    items.push({ yb, draw: () => draw(c, x, yb, s, id) })
  }
  for (let k = intIn(rng, 1, 4); k > 0; k--) {
    const cls = intIn(rng, 1, 4)
    add(cls, 0.15, DRAW[cls - 1])
  }
  for (let k = intIn(rng, 1, 4); k > 0; k--) add(PST900.background, 0.1, drawDebris)
  items.sort((a, b) => a.yb - b.yb)
  for (const it of items) it.draw()

  // Depth per pixel: labelled objects and debris stand at their floor row, the rest by row.
  const depthM = new Float32Array(W * H)
  for (let y = 0, i = 0; y < H; y++) {
    const bg = rowDepth(y, hy, H)
    for (let x = 0; x < W; x++, i++) depthM[i] = L.instances[i] ? depthOf[L.instances[i]] : bg
  }
  for (let i = 0; i < L.instances.length; i++) if (classOf[L.instances[i]] === PST900.background) L.instances[i] = 0
  const objects = collectObjects(L.instances, W, classOf).filter((o) => o.classIndex !== PST900.background)

  // renderThermal leaves the float field (blurred, noisy, unshifted) in its input; use it for both depths.
  renderThermal(L.thermal, W, H, {
    gain: 1, offset: 0, gradient: uniform(rng, -0.06, 0.06), dx: 0, dy: 0,
    noise: opts.thermalNoise ?? 0.01, noiseSeed: hashSeed(seed, 0x1d00, 3)
  })
  const { thermal, thermalRaw, depth } = reproject(L.thermal, depthM, W, H, 36 * u * pick(rng, [0.8, 1, 1.25]))
  applyRgbEffects(L.rgb, W, H, { night: false, exposure: uniform(rng, 0.6, 0.95), fog: 0, horizon: hy, lights: [], noiseSeed: hashSeed(seed, 0x1d00, 2) })
  return { width: W, height: H, rgb: L.rgb, thermal, thermalRaw, depth, label: L.label, instances: L.instances, objects }
}

/**
 * Occlusion test through a horizontal baseline: pixel x at disparity d = fB/Z is seen by the
 * thermal camera at column x − d unless a nearer pixel (larger d) lands on the same column.
 */
function reproject(field: Float32Array, depthM: Float32Array, W: number, H: number, fB: number): { thermal: Uint8Array; thermalRaw: Uint16Array; depth: Uint16Array } {
  const thermal = new Uint8Array(W * H)
  const thermalRaw = new Uint16Array(W * H)
  const depth = new Uint16Array(W * H)
  const disp = new Int16Array(W)
  const nearest = new Int16Array(W)
  for (let y = 0; y < H; y++) {
    const row = y * W
    nearest.fill(-1)
    for (let x = 0; x < W; x++) {
      const z = depthM[row + x]
      depth[row + x] = z * 1000 + 0.5 // typed-array store truncates: rounds positive values
      const d = (fB / z + 0.5) | 0
      disp[x] = d
      const xt = x - d
      if (xt >= 0 && d > nearest[xt]) nearest[xt] = d
    }
    for (let x = 0; x < W; x++) {
      const xt = x - disp[x]
      if (xt < 0 || nearest[xt] !== disp[x]) continue
      let raw = Math.round(RAW_LO + field[row + x] * RAW_SPAN)
      raw = raw < 1 ? 1 : raw > 65535 ? 65535 : raw
      thermalRaw[row + x] = raw
      const t8 = Math.round(((raw - RAW_LO) * 255) / RAW_SPAN)
      thermal[row + x] = t8 < 1 ? 1 : t8 > 255 ? 255 : t8
    }
  }
  return { thermal, thermalRaw, depth }
}
