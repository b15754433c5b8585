/**
 * Drawers for the MFNet object classes. Each class keeps a consistent look (shape, colour family,
 * heat signature) with moderate random variation, so a small RGB-T model can learn it from either
 * modality. Sizes are in pixels at the object's depth: `s` is the perspective scale (0 at the
 * horizon, 1 at the bottom edge) and `u` the image scale relative to 640x480.
 */
import { fillEllipse, fillPolygon, fillRect, fillRing, paint, strokeLine, type SceneLayers } from './raster'
import { chance, pick, uniform, type Rng } from './prng'

export const MFNET = { unlabeled: 0, car: 1, person: 2, bike: 3, curve: 4, car_stop: 5, guardrail: 6, color_cone: 7, bump: 8 } as const

/** A light source that glows in night RGB (headlights, tail lights, street lamps). */
export interface Light { x: number; y: number; radius: number; r: number; g: number; b: number; strength: number }

export interface DrawContext {
  L: SceneLayers
  rng: Rng
  /** Pixels per 640x480 pixel. */
  u: number
  /** Minimum stroke thickness so no class is drawn as a 1-2 px sliver. */
  minThick: number
  /** Ambient temperature of the scene (fraction of range). */
  ambient: number
  lights: Light[]
}

const CAR_COLOURS: readonly [number, number, number][] = [
  [180, 30, 35], [30, 60, 150], [225, 225, 220], [160, 165, 170], [35, 35, 40], [30, 90, 60], [215, 180, 40], [120, 70, 40]
]
const SHIRT_COLOURS: readonly [number, number, number][] = [
  [200, 40, 40], [40, 90, 180], [230, 230, 225], [40, 40, 45], [60, 140, 70], [230, 170, 40], [130, 60, 140], [90, 90, 95]
]
const SKIN: readonly [number, number, number][] = [[235, 195, 165], [200, 150, 110], [140, 95, 65], [95, 65, 45]]
const BIKE_FRAMES: readonly [number, number, number][] = [[200, 30, 30], [30, 120, 200], [240, 200, 30], [40, 40, 40], [220, 220, 220]]

function jitter(rng: Rng, c: readonly [number, number, number], amount: number): [number, number, number] {
  const k = uniform(rng, 1 - amount, 1 + amount)
  return [c[0] * k, c[1] * k, c[2] * k]
}

/** Car seen from the side: body, cabin, windows, wheels; the engine end of the body runs hot. */
export function drawCarSide(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const len = 250 * s * u * uniform(rng, 0.85, 1.15)
  const h = 0.4 * len
  const x0 = cx - len / 2
  const dir = chance(rng, 0.5) ? 1 : -1 // +1: engine on the right
  const X = (f: number): number => (dir > 0 ? x0 + f * len : x0 + (1 - f) * len)
  const col = jitter(rng, pick(rng, CAR_COLOURS), 0.12)
  const tBody = uniform(rng, 0.56, 0.64)
  const tEngine = uniform(rng, 0.76, 0.86)
  const body = paint(col[0], col[1], col[2], tBody, MFNET.car, id)
  const hood = paint(col[0], col[1], col[2], tEngine, MFNET.car, id)
  const glass = paint(55, 70, 90, tBody - 0.12, MFNET.car, id)
  const bodyTop = yb - 0.62 * h
  const bodyBot = yb - 0.14 * h
  fillRect(c.L, x0, bodyTop, x0 + len, bodyBot, body)
  // Engine compartment: same paint, hotter (front 30% of the body).
  fillRect(L, Math.min(X(0.7), X(1)), bodyTop, Math.max(X(0.7), X(1)), bodyBot, hood)
  fillPolygon(L, [X(0.2), bodyTop, X(0.32), yb - h, X(0.68), yb - h, X(0.8), bodyTop], body)
  fillPolygon(L, [X(0.25), bodyTop, X(0.345), yb - 0.94 * h, X(0.665), yb - 0.94 * h, X(0.76), bodyTop], glass)
  const rw = 0.2 * h
  const tyre = paint(25, 25, 28, 0.63, MFNET.car, id)
  const hub = paint(150, 150, 155, 0.6, MFNET.car, id)
  for (const f of [0.2, 0.8]) {
    fillRing(L, X(f), yb - rw, rw, 0, tyre)
    fillRing(L, X(f), yb - rw, rw * 0.45, 0, hub)
  }
  const lw = Math.max(c.minThick * 0.5, 0.05 * len)
  fillRect(L, Math.min(X(0.97), X(1)), bodyTop + 0.1 * h, Math.max(X(0.97), X(1)), bodyTop + 0.25 * h, paint(250, 245, 210, tEngine, MFNET.car, id))
  fillRect(L, Math.min(X(0), X(0.03)), bodyTop + 0.1 * h, Math.max(X(0), X(0.03)), bodyTop + 0.25 * h, paint(200, 20, 20, tBody, MFNET.car, id))
  c.lights.push({ x: X(1) + dir * lw, y: bodyTop + 0.18 * h, radius: 0.6 * h, r: 255, g: 245, b: 200, strength: 1 })
  c.lights.push({ x: X(0), y: bodyTop + 0.18 * h, radius: 0.25 * h, r: 255, g: 40, b: 30, strength: 0.6 })
}

/** Car seen from behind (or in front, driving away): box body, rear window, tail lights, hot exhaust band. */
export function drawCarRear(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const w = 165 * s * u * uniform(rng, 0.88, 1.12)
  const h = 0.78 * w
  const x0 = cx - w / 2
  const col = jitter(rng, pick(rng, CAR_COLOURS), 0.12)
  const tBody = uniform(rng, 0.56, 0.64)
  const body = paint(col[0], col[1], col[2], tBody, MFNET.car, id)
  fillRect(L, x0 + 0.04 * w, yb - 0.2 * h, x0 + 0.22 * w, yb, paint(25, 25, 28, 0.63, MFNET.car, id))
  fillRect(L, x0 + 0.78 * w, yb - 0.2 * h, x0 + 0.96 * w, yb, paint(25, 25, 28, 0.63, MFNET.car, id))
  fillRect(L, x0, yb - 0.66 * h, x0 + w, yb - 0.14 * h, body)
  fillPolygon(L, [x0 + 0.06 * w, yb - 0.66 * h, x0 + 0.18 * w, yb - h, x0 + 0.82 * w, yb - h, x0 + 0.94 * w, yb - 0.66 * h], body)
  fillPolygon(L, [x0 + 0.12 * w, yb - 0.68 * h, x0 + 0.21 * w, yb - 0.95 * h, x0 + 0.79 * w, yb - 0.95 * h, x0 + 0.88 * w, yb - 0.68 * h],
    paint(55, 70, 90, tBody - 0.12, MFNET.car, id))
  // Exhaust and underbody carry the engine heat in this view.
  fillRect(L, x0 + 0.05 * w, yb - 0.24 * h, x0 + 0.95 * w, yb - 0.14 * h, paint(col[0] * 0.5, col[1] * 0.5, col[2] * 0.5, uniform(rng, 0.76, 0.86), MFNET.car, id))
  const tl = paint(210, 25, 25, tBody, MFNET.car, id)
  fillRect(L, x0 + 0.03 * w, yb - 0.58 * h, x0 + 0.17 * w, yb - 0.46 * h, tl)
  fillRect(L, x0 + 0.83 * w, yb - 0.58 * h, x0 + 0.97 * w, yb - 0.46 * h, tl)
  fillRect(L, x0 + 0.4 * w, yb - 0.42 * h, x0 + 0.6 * w, yb - 0.32 * h, paint(235, 235, 225, tBody, MFNET.car, id))
  for (const f of [0.1, 0.9]) c.lights.push({ x: x0 + f * w, y: yb - 0.52 * h, radius: 0.3 * h, r: 255, g: 40, b: 30, strength: 0.7 })
}

/** Standing or walking person; the hottest class (skin ~0.92, clothes 0.80-0.88). */
export function drawPerson(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const hp = 180 * s * u * uniform(rng, 0.88, 1.1)
  const top = yb - hp
  const skinC = pick(rng, SKIN)
  const shirtC = jitter(rng, pick(rng, SHIRT_COLOURS), 0.1)
  const pantsC = jitter(rng, pick(rng, [[40, 45, 70], [35, 35, 35], [90, 80, 70], [60, 80, 120]] as const), 0.1)
  const skin = paint(skinC[0], skinC[1], skinC[2], uniform(rng, 0.9, 0.95), MFNET.person, id)
  const shirt = paint(shirtC[0], shirtC[1], shirtC[2], uniform(rng, 0.83, 0.88), MFNET.person, id)
  const pants = paint(pantsC[0], pantsC[1], pantsC[2], uniform(rng, 0.8, 0.85), MFNET.person, id)
  const lw = Math.max(c.minThick * 0.8, 0.1 * hp)
  const stride = uniform(rng, 0, 0.12) * hp
  strokeLine(L, cx - 0.05 * hp, top + 0.52 * hp, cx - 0.05 * hp - stride, yb - lw * 0.5, lw, pants)
  strokeLine(L, cx + 0.05 * hp, top + 0.52 * hp, cx + 0.05 * hp + stride, yb - lw * 0.5, lw, pants)
  fillPolygon(L, [cx - 0.13 * hp, top + 0.15 * hp, cx + 0.13 * hp, top + 0.15 * hp, cx + 0.11 * hp, top + 0.56 * hp, cx - 0.11 * hp, top + 0.56 * hp], shirt)
  const aw = Math.max(c.minThick * 0.6, 0.07 * hp)
  const swing = uniform(rng, -0.08, 0.08) * hp
  strokeLine(L, cx - 0.14 * hp, top + 0.19 * hp, cx - 0.17 * hp + swing, top + 0.5 * hp, aw, shirt)
  strokeLine(L, cx + 0.14 * hp, top + 0.19 * hp, cx + 0.17 * hp - swing, top + 0.5 * hp, aw, shirt)
  fillEllipse(L, cx, top + 0.075 * hp, 0.06 * hp, 0.075 * hp, skin)
}

/** Bicycle from the side; wheels are drawn as tyre ring plus a lighter spoke disc so they are not hairlines. */
export function drawBike(c: DrawContext, cx: number, yb: number, s: number, id: number): { seatX: number; seatY: number } {
  const { L, rng, u } = c
  const len = 125 * s * u * uniform(rng, 0.9, 1.1)
  const x0 = cx - len / 2
  const rw = 0.21 * len
  const frameC = jitter(rng, pick(rng, BIKE_FRAMES), 0.1)
  const tFrame = uniform(rng, 0.5, 0.58)
  const tyre = paint(30, 30, 30, tFrame + 0.02, MFNET.bike, id)
  const spokes = paint(120, 120, 125, tFrame - 0.03, MFNET.bike, id)
  const frame = paint(frameC[0], frameC[1], frameC[2], tFrame, MFNET.bike, id)
  const tw = Math.max(c.minThick * 0.5, 0.28 * rw)
  const rear = [x0 + rw, yb - rw]
  const front = [x0 + len - rw, yb - rw]
  for (const [wx, wy] of [rear, front]) {
    fillRing(L, wx, wy, rw, 0, spokes)
    fillRing(L, wx, wy, rw, rw - tw, tyre)
  }
  const fw = Math.max(c.minThick * 0.5, 0.055 * len)
  const pedal = [x0 + 0.45 * len, yb - 0.9 * rw]
  const seat = [x0 + 0.36 * len, yb - 2.2 * rw]
  const bar = [x0 + 0.8 * len, yb - 2.4 * rw]
  strokeLine(L, rear[0], rear[1], pedal[0], pedal[1], fw, frame)
  strokeLine(L, pedal[0], pedal[1], seat[0], seat[1], fw, frame)
  strokeLine(L, rear[0], rear[1], seat[0], seat[1], fw, frame)
  strokeLine(L, pedal[0], pedal[1], bar[0], bar[1] + 0.3 * rw, fw, frame)
  strokeLine(L, seat[0], seat[1] + 0.2 * rw, bar[0], bar[1] + 0.3 * rw, fw, frame)
  strokeLine(L, front[0], front[1], bar[0], bar[1], fw, frame)
  fillRect(L, seat[0] - 0.08 * len, seat[1] - fw, seat[0] + 0.08 * len, seat[1] + fw * 0.3, tyre)
  return { seatX: seat[0], seatY: seat[1] }
}

/** Traffic cone: orange body, white reflective band, dark base; cold (~0.25). */
export function drawCone(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const h = Math.max(c.minThick * 2, 75 * s * u * uniform(rng, 0.9, 1.1))
  const t = uniform(rng, 0.22, 0.28)
  const base = paint(45, 45, 45, t, MFNET.color_cone, id)
  const orange = paint(240 + uniform(rng, -10, 10), 95 + uniform(rng, -15, 15), 20, t, MFNET.color_cone, id)
  const white = paint(240, 240, 235, t - 0.02, MFNET.color_cone, id)
  const bw = 0.8 * h
  const bh = Math.max(2, 0.09 * h)
  fillRect(L, cx - bw / 2, yb - bh, cx + bw / 2, yb, base)
  const half = (f: number): number => 0.32 * h * (1 - f) + 0.07 * h * f // half-width at fraction f of height
  const yAt = (f: number): number => yb - bh - f * (h - bh)
  fillPolygon(L, [cx - half(0), yAt(0), cx + half(0), yAt(0), cx + half(1), yAt(1), cx - half(1), yAt(1)], orange)
  fillPolygon(L, [cx - half(0.4), yAt(0.4), cx + half(0.4), yAt(0.4), cx + half(0.6), yAt(0.6), cx - half(0.6), yAt(0.6)], white)
}

/** Concrete wheel stop: low grey block with yellow paint; slightly cooler than the ground. */
export function drawCarStop(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const w = 115 * s * u * uniform(rng, 0.9, 1.1)
  const h = Math.max(c.minThick, 24 * s * u)
  const t = c.ambient - uniform(rng, 0.05, 0.08)
  fillRect(L, cx - w / 2, yb - h, cx + w / 2, yb, paint(185, 185, 180, t, MFNET.car_stop, id))
  const yellow = paint(235, 200, 35, t, MFNET.car_stop, id)
  for (let k = 0; k < 3; k++) {
    const a = cx - w / 2 + (k * 2 + 0.5) * (w / 6)
    fillRect(L, a, yb - h, a + w / 6, yb - h * 0.45, yellow)
  }
}

/** Street lamp (background class 0): pole plus a lamp that glows at night. */
export function drawLamp(c: DrawContext, cx: number, yb: number, s: number): void {
  const { L, u } = c
  const h = 300 * s * u
  const pw = Math.max(2, 7 * s * u)
  const pole = paint(70, 72, 75, c.ambient - 0.02)
  fillRect(L, cx - pw / 2, yb - h, cx + pw / 2, yb, pole)
  fillRect(L, cx - pw / 2, yb - h, cx + 0.15 * h, yb - h + pw, pole)
  fillRect(L, cx + 0.1 * h, yb - h + pw, cx + 0.16 * h, yb - h + 2.2 * pw, paint(240, 235, 200, c.ambient + 0.15))
  c.lights.push({ x: cx + 0.13 * h, y: yb - h + 2 * pw, radius: 0.35 * h, r: 255, g: 220, b: 150, strength: 0.9 })
}

/** Unlabelled clutter (bins, boxes, bollards) so "any blob" is not a shortcut to an object class. */
export function drawClutter(c: DrawContext, cx: number, yb: number, s: number): void {
  const { L, rng, u } = c
  const w = uniform(rng, 25, 70) * s * u
  const h = uniform(rng, 30, 90) * s * u
  const g = uniform(rng, 60, 170)
  fillRect(L, cx - w / 2, yb - h, cx + w / 2, yb, paint(g * uniform(rng, 0.7, 1.2), g, g * uniform(rng, 0.7, 1.2), c.ambient + uniform(rng, -0.04, 0.06)))
}
