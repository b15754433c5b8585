/**
 * Synthetic RGB-T street scene generator (MFNet classes). Pure function of (seed, options):
 * no I/O and no Node imports, so tests, workers and benchmarks can call it directly.
 *
 * Scene recipe: sky and buildings above a horizon, a perspective road with sidewalks, then the
 * static classes tied to the road (curbs = "curve", guardrail, speed bump) and finally movable
 * objects (cars, people, bikes, cones, wheel stops, lamps, clutter) painted far-to-near so nearer
 * objects occlude farther ones. Layout randomness, RGB noise and thermal noise use separate PRNG
 * streams so that changing a sensor knob never moves an object.
 */
import { createLayers, fillPolygon, fillRect, fillSpan, paint, type SceneLayers } from './raster'
import { chance, hashSeed, intIn, mulberry32, uniform, type Rng } from './prng'
import {
  MFNET, drawBike, drawCarRear, drawCarSide, drawCarStop, drawClutter, drawCone, drawLamp, drawPerson,
  type DrawContext, type Light
} from './objects'
import { applyRgbEffects, renderThermal } from './postprocess'

export interface SceneOptions {
  width?: number
  height?: number
  /** Probability that a scene is a night scene (0..1). Default 0.5. */
  nightShare?: number
  /** Force day (false) or night (true); overrides nightShare. */
  night?: boolean
  thermalGain?: number
  /** Fraction of the thermal range added (0.1 = +25.5 grey levels). */
  thermalOffset?: number
  /** Fraction of range, left-to-right ramp from -g/2 to +g/2. */
  thermalGradient?: number
  /** 0..1, lowers RGB contrast (blend towards fog colour). */
  fog?: number
  /** Thermal shifted by this many pixels relative to RGB/labels (misregistration). */
  misregDx?: number
  misregDy?: number
  /** Thermal sensor noise amplitude, fraction of range. Default 0.012. */
  thermalNoise?: number
}

export interface SceneObject {
  id: number
  classIndex: number
  /** Visible extent [x, y, width, height] in pixels (COCO order). */
  bbox: [number, number, number, number]
  /** Visible pixel count. */
  area: number
}

export interface SyntheticScene {
  width: number
  height: number
  /** HWC, 3 channels. */
  rgb: Uint8Array
  /** HW, 8-bit. */
  thermal: Uint8Array
  /** HW, MFNet class indices 0..8. */
  label: Uint8Array
  /** HW, 0 = none, unique id per object. */
  instances: Uint16Array
  objects: SceneObject[]
  night: boolean
}

interface Road { horizon: number; vx: number; topL: number; topR: number; botL: number; botR: number }

const lerp = (a: number, b: number, f: number): number => a + (b - a) * f

/** Perspective scale at row y: 0 at the horizon, 1 at the bottom edge. */
function scaleAt(road: Road, height: number, y: number): number {
  return (y - road.horizon) / (height - road.horizon)
}
function roadLeft(road: Road, height: number, y: number): number {
  return lerp(road.topL, road.botL, scaleAt(road, height, y))
}
function roadRight(road: Road, height: number, y: number): number {
  return lerp(road.topR, road.botR, scaleAt(road, height, y))
}

function drawBackground(L: SceneLayers, rng: Rng, road: Road, ambient: number): void {
  const { width: W, height: H } = L
  const hy = road.horizon
  const top = [uniform(rng, 90, 140), uniform(rng, 140, 180), uniform(rng, 200, 240)]
  for (let y = 0; y < Math.ceil(hy); y++) {
    const f = y / hy
    fillSpan(L, y, 0, W, paint(lerp(top[0], 200, f), lerp(top[1], 210, f), lerp(top[2], 225, f), 0.1 + 0.04 * f))
  }
  // Building blocks with window grids, base slightly below the horizon.
  for (let x = -uniform(rng, 0, 60) * (W / 640); x < W;) {
    const bw = uniform(rng, 50, 150) * (W / 640)
    const bh = uniform(rng, 25, 0.9 * hy / (H / 480)) * (H / 480)
    const g = uniform(rng, 90, 190)
    const tone = [g * uniform(rng, 0.85, 1.1), g * uniform(rng, 0.85, 1.05), g * uniform(rng, 0.8, 1.0)]
    const tB = ambient + uniform(rng, -0.05, 0.03)
    fillRect(L, x, hy - bh, x + bw, hy + 4, paint(tone[0], tone[1], tone[2], tB))
    const win = paint(tone[0] * 0.45, tone[1] * 0.5, tone[2] * 0.6, tB + 0.05)
    const cell = 16 * (H / 480)
    for (let wy = hy - bh + cell * 0.5; wy + cell * 0.6 < hy - 2; wy += cell) {
      for (let wx = x + cell * 0.4; wx + cell * 0.6 < x + bw; wx += cell) fillRect(L, wx, wy, wx + cell * 0.5, wy + cell * 0.55, win)
    }
    x += bw
  }
  fillRect(L, 0, hy, W, H, paint(uniform(rng, 140, 165), uniform(rng, 138, 160), uniform(rng, 130, 150), ambient + 0.02))
  const grey = uniform(rng, 65, 95)
  fillPolygon(L, [road.topL, hy, road.topR, hy, road.botR, H, road.botL, H], paint(grey, grey, grey + 3, ambient + 0.07))
  // Dashed centre line (background class): dashes evenly spaced in perspective scale.
  const mark = paint(225, 225, 215, ambient + 0.05)
  for (let s = 0.06; s < 1; s += 0.16) {
    const ya = hy + s * (H - hy)
    const yb = hy + Math.min(1, s + 0.08) * (H - hy)
    const xa = (roadLeft(road, H, ya) + roadRight(road, H, ya)) / 2
    const xb = (roadLeft(road, H, yb) + roadRight(road, H, yb)) / 2
    const wa = Math.max(1.5, 10 * s * (W / 640))
    const wb = Math.max(1.5, 10 * Math.min(1, s + 0.08) * (W / 640))
    fillPolygon(L, [xa - wa / 2, ya, xa + wa / 2, ya, xb + wb / 2, yb, xb - wb / 2, yb], mark)
  }
}

/** Curb band along one road edge (class "curve"): top face plus darker side face. */
function drawCurb(c: DrawContext, road: Road, side: -1 | 1, id: number): void {
  const { L } = c
  const H = L.height
  const y0 = road.horizon + 0.06 * (H - road.horizon)
  const edgeTop = side < 0 ? roadLeft(road, H, y0) : roadRight(road, H, y0)
  const edgeBot = side < 0 ? road.botL : road.botR
  const tTop = c.minThick
  const tBot = Math.max(c.minThick, 30 * c.u)
  const t = c.ambient - 0.04
  fillPolygon(L, [edgeTop, y0, edgeTop - side * tTop, y0, edgeBot - side * tBot, H, edgeBot, H], paint(195, 195, 188, t, MFNET.curve, id))
  fillPolygon(L, [edgeTop, y0, edgeTop - side * tTop * 0.4, y0, edgeBot - side * tBot * 0.4, H, edgeBot, H], paint(135, 135, 130, t + 0.01, MFNET.curve, id))
}

/** Guardrail beyond one road edge: a raised metal band with posts; metal reads cool. */
function drawGuardrail(c: DrawContext, road: Road, side: -1 | 1, id: number): void {
  const { L, rng } = c
  const H = L.height
  const y0 = road.horizon + 0.04 * (H - road.horizon)
  const margin = uniform(rng, 0.04, 0.1) * L.width
  // Outside the road edge: side -1 moves left, +1 moves right.
  const gTop = (side < 0 ? roadLeft(road, H, y0) : roadRight(road, H, y0)) + side * 2 * c.u
  const gBot = (side < 0 ? road.botL : road.botR) + side * margin
  const hMax = 70 * c.u
  const hTop = Math.max(c.minThick * 1.6, hMax * 0.04)
  const t = c.ambient - uniform(rng, 0.07, 0.1)
  const metal = paint(175, 182, 188, t, MFNET.guardrail, id)
  const dark = paint(110, 115, 120, t, MFNET.guardrail, id)
  const railTop = (f: number): number => lerp(y0 - hTop, H - hMax, f)
  const railBot = (f: number): number => lerp(y0 - hTop * 0.45, H - hMax * 0.45, f)
  const xAt = (f: number): number => lerp(gTop, gBot, f)
  fillPolygon(L, [xAt(0), railTop(0), xAt(1), railTop(1), xAt(1), railBot(1), xAt(0), railBot(0)], metal)
  const mid = (f: number): number => (railTop(f) + railBot(f)) / 2
  const band = (f: number): number => Math.max(1, (railBot(f) - railTop(f)) * 0.15)
  fillPolygon(L, [xAt(0), mid(0) - band(0), xAt(1), mid(1) - band(1), xAt(1), mid(1) + band(1), xAt(0), mid(0) + band(0)], dark)
  for (let f = 0.15; f < 1.05; f += 0.2 + 0.1 * f) {
    const x = xAt(Math.min(1, f))
    const pw = Math.max(c.minThick * 0.8, 9 * c.u * Math.min(1, f + 0.15))
    fillRect(L, x - pw / 2, railBot(Math.min(1, f)), x + pw / 2, lerp(y0, H, Math.min(1, f)), dark)
  }
}

/** Speed bump across the road: yellow/black rubber stripes, warmer than asphalt. */
function drawBump(c: DrawContext, road: Road, y: number, id: number): void {
  const { L, rng } = c
  const H = L.height
  const s = scaleAt(road, H, y)
  const th = Math.max(c.minThick, 24 * s * c.u)
  const t = c.ambient + uniform(rng, 0.1, 0.13)
  const xl = roadLeft(road, H, y)
  const xr = roadRight(road, H, y)
  const stripe = Math.max(4, 38 * s * c.u)
  for (let x = xl, k = 0; x < xr; x += stripe, k++) {
    const p = k % 2 === 0 ? paint(235, 195, 30, t, MFNET.bump, id) : paint(30, 30, 30, t + 0.01, MFNET.bump, id)
    fillPolygon(L, [x + th * 0.3, y - th, Math.min(xr, x + stripe) + th * 0.3, y - th, Math.min(xr, x + stripe), y, x, y], p)
  }
}

/** Finds visible bbox and area per instance id with one pass over the instance map. */
export function collectObjects(inst: Uint16Array, width: number, classOf: number[]): SceneObject[] {
  const n = classOf.length
  const minX = new Int32Array(n).fill(1 << 30), minY = new Int32Array(n).fill(1 << 30)
  const maxX = new Int32Array(n).fill(-1), maxY = new Int32Array(n).fill(-1)
  const area = new Int32Array(n)
  for (let i = 0; i < inst.length; i++) {
    const id = inst[i]
    if (id === 0) continue
    const x = i % width
    const y = (i - x) / width
    area[id]++
    if (x < minX[id]) minX[id] = x
    if (x > maxX[id]) maxX[id] = x
    if (y < minY[id]) minY[id] = y
    if (y > maxY[id]) maxY[id] = y
  }
  const out: SceneObject[] = []
  for (let id = 1; id < n; id++) {
    if (area[id] === 0) continue
    out.push({ id, classIndex: classOf[id], bbox: [minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1], area: area[id] })
  }
  return out
}

export function generateScene(seed: number, opts: SceneOptions = {}): SyntheticScene {
  const W = opts.width ?? 640
  const H = opts.height ?? 480
  const rng = mulberry32(hashSeed(seed, 1))
  const night = opts.night ?? rng() < (opts.nightShare ?? 0.5)
  const L = createLayers(W, H)
  const u = Math.min(W / 640, H / 480)
  const horizon = H * uniform(rng, 0.36, 0.46)
  const vx = W * uniform(rng, 0.35, 0.65)
  // A guardrail needs its road edge inside the frame, or the rail would run off-screen and only
  // its thin far end would be visible.
  const hasRail = chance(rng, 0.55)
  const railSide: -1 | 1 = chance(rng, 0.5) ? -1 : 1
  const road: Road = {
    horizon, vx,
    topL: vx - W * uniform(rng, 0.015, 0.03), topR: vx + W * uniform(rng, 0.015, 0.03),
    botL: W * (hasRail && railSide < 0 ? uniform(rng, 0.1, 0.25) : uniform(rng, -0.3, 0.12)),
    botR: W * (hasRail && railSide > 0 ? uniform(rng, 0.75, 0.9) : uniform(rng, 0.88, 1.3))
  }
  const ambient = uniform(rng, 0.36, 0.44)
  const lights: Light[] = []
  const c: DrawContext = { L, rng, u, minThick: Math.max(2, 8 * u), ambient, lights }
  drawBackground(L, rng, road, ambient)

  const classOf: number[] = [0]
  const newId = (cls: number): number => { classOf.push(cls); return classOf.length - 1 }
  const curbL = chance(rng, 0.8), curbR = chance(rng, 0.8) || !curbL
  if (curbL) drawCurb(c, road, -1, newId(MFNET.curve))
  if (curbR) drawCurb(c, road, 1, newId(MFNET.curve))
  if (hasRail) drawGuardrail(c, road, railSide, newId(MFNET.guardrail))
  if (chance(rng, 0.5)) drawBump(c, road, horizon + uniform(rng, 0.45, 0.9) * (H - horizon), newId(MFNET.bump))

  // Movable objects: (ground row, draw) pairs painted far to near.
  const items: { yb: number; draw: () => void }[] = []
  const place = (sMin: number, sMax: number): { yb: number; s: number } => {
    const s = uniform(rng, sMin, sMax)
    return { yb: horizon + s * (H - horizon), s }
  }
  const onRoad = (yb: number, inset: number): number => {
    const l = roadLeft(road, H, yb), r = roadRight(road, H, yb)
    return lerp(l, r, uniform(rng, inset, 1 - inset))
  }
  const offRoad = (yb: number, side: -1 | 1): number => {
    const edge = side < 0 ? roadLeft(road, H, yb) : roadRight(road, H, yb)
    return side < 0 ? uniform(rng, Math.max(0, edge - 0.3 * W), edge - 20 * u) : uniform(rng, edge + 20 * u, Math.min(W, edge + 0.3 * W))
  }
  const nCars = chance(rng, 0.92) ? intIn(rng, 1, 4) : 0
  for (let k = 0; k < nCars; k++) {
    const { yb, s } = place(0.2, 1.05)
    const x = onRoad(yb, 0.15)
    const id = newId(MFNET.car)
    const side = chance(rng, 0.55)
    items.push({ yb, draw: () => (side ? drawCarSide(c, x, yb, s, id) : drawCarRear(c, x, yb, s, id)) })
  }
  const nPeople = chance(rng, 0.88) ? intIn(rng, 1, 4) : 0
  for (let k = 0; k < nPeople; k++) {
    const { yb, s } = place(0.22, 1.0)
    const x = chance(rng, 0.6) ? offRoad(yb, chance(rng, 0.5) ? -1 : 1) : onRoad(yb, 0.05)
    const id = newId(MFNET.person)
    items.push({ yb, draw: () => drawPerson(c, x, yb, s, id) })
  }
  const nBikes = chance(rng, 0.6) ? intIn(rng, 1, 2) : 0
  for (let k = 0; k < nBikes; k++) {
    const { yb, s } = place(0.3, 1.0)
    const x = onRoad(yb, 0.08)
    const id = newId(MFNET.bike)
    const riderId = chance(rng, 0.5) ? newId(MFNET.person) : 0
    items.push({
      yb, draw: () => {
        const seat = drawBike(c, x, yb, s, id)
        if (riderId) drawPerson(c, seat.seatX + 10 * s * u, seat.seatY + 95 * s * u, s * 0.9, riderId)
      }
    })
  }
  if (chance(rng, 0.6)) {
    const n = intIn(rng, 2, 5)
    const { yb, s } = place(0.35, 0.95)
    const side: -1 | 1 = chance(rng, 0.5) ? -1 : 1
    for (let k = 0; k < n; k++) {
      const yk = yb + k * 0.07 * (H - horizon) * s
      const sk = scaleAt(road, H, yk)
      const edge = side < 0 ? roadLeft(road, H, yk) : roadRight(road, H, yk)
      const x = edge - side * uniform(rng, 30, 70) * sk * u
      const id = newId(MFNET.color_cone)
      items.push({ yb: yk, draw: () => drawCone(c, x, yk, sk, id) })
    }
  }
  if (chance(rng, 0.6)) {
    const n = intIn(rng, 3, 5)
    const { yb, s } = place(0.45, 1.0)
    // Wheel stops stand in a row on the kerb side with the most room in frame.
    const roomL = roadLeft(road, H, yb), roomR = W - roadRight(road, H, yb)
    const side: -1 | 1 = Math.min(roomL, roomR) > 250 * s * u ? (chance(rng, 0.5) ? -1 : 1) : roomL > roomR ? -1 : 1
    const edge = side < 0 ? roadLeft(road, H, yb) : roadRight(road, H, yb)
    for (let k = 0; k < n; k++) {
      const x = edge + side * (80 + k * 135) * s * u
      const id = newId(MFNET.car_stop)
      items.push({ yb, draw: () => drawCarStop(c, x, yb, s, id) })
    }
  }
  for (let k = intIn(rng, 0, 2); k > 0; k--) {
    const { yb, s } = place(0.15, 0.8)
    const x = offRoad(yb, chance(rng, 0.5) ? -1 : 1)
    items.push({ yb, draw: () => drawLamp(c, x, yb, s) })
  }
  for (let k = intIn(rng, 0, 3); k > 0; k--) {
    const { yb, s } = place(0.2, 1.0)
    const x = offRoad(yb, chance(rng, 0.5) ? -1 : 1)
    items.push({ yb, draw: () => drawClutter(c, x, yb, s) })
  }
  items.sort((a, b) => a.yb - b.yb)
  for (const it of items) it.draw()

  const objects = collectObjects(L.instances, W, classOf)
  const thermal = renderThermal(L.thermal, W, H, {
    gain: opts.thermalGain ?? 1, offset: opts.thermalOffset ?? 0, gradient: opts.thermalGradient ?? 0,
    dx: opts.misregDx ?? 0, dy: opts.misregDy ?? 0, noise: opts.thermalNoise ?? 0.012, noiseSeed: hashSeed(seed, 3)
  })
  applyRgbEffects(L.rgb, W, H, {
    night, exposure: uniform(rng, 0.85, 1.12), fog: opts.fog ?? 0, horizon, lights, noiseSeed: hashSeed(seed, 2)
  })
  return { width: W, height: H, rgb: L.rgb, thermal, label: L.label, instances: L.instances, objects, night }
}

export { MFNET }
