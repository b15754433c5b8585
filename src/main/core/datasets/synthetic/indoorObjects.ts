/**
 * Drawers for the PST900 object classes (second synthetic family, see indoorScene.ts). Each class
 * keeps a typical shape, colour family and heat signature: survivors are warm people, hand-drills
 * small and warm-ish (motor), backpacks near ambient, fire-extinguishers red and cool (pressurised
 * metal). `s` is the size scale at the object's floor row, `u` the image scale relative to 1280x720.
 */
import { fillEllipse, fillPolygon, fillRect, paint, strokeLine } from './raster'
import { pick, uniform, type Rng } from './prng'
import type { DrawContext } from './objects'

export const PST900 = { background: 0, fire_extinguisher: 1, backpack: 2, hand_drill: 3, survivor: 4 } as const

type Rgb = readonly [number, number, number]
const CLOTHES: readonly Rgb[] = [[200, 90, 30], [40, 60, 120], [70, 80, 60], [180, 170, 40], [45, 45, 50], [150, 40, 40]]
const SKIN: readonly Rgb[] = [[230, 190, 160], [195, 145, 105], [135, 90, 60], [90, 62, 42]]
const PACKS: readonly Rgb[] = [[70, 85, 50], [30, 40, 80], [30, 30, 32], [210, 100, 20], [110, 30, 30], [90, 90, 95]]
const DRILLS: readonly Rgb[] = [[230, 190, 20], [20, 140, 150], [200, 30, 30], [60, 110, 200]]

function tone(rng: Rng, c: Rgb, amount: number): [number, number, number] {
  const k = uniform(rng, 1 - amount, 1 + amount)
  return [c[0] * k, c[1] * k, c[2] * k]
}

/** Survivor: a person standing, sitting against the wall or lying on the floor; skin hottest. */
export function drawSurvivor(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const hp = 330 * s * u * uniform(rng, 0.88, 1.1)
  const sk = pick(rng, SKIN)
  const cl = tone(rng, pick(rng, CLOTHES), 0.12)
  const skin = paint(sk[0], sk[1], sk[2], uniform(rng, 0.84, 0.9), PST900.survivor, id)
  const cloth = paint(cl[0], cl[1], cl[2], uniform(rng, 0.7, 0.78), PST900.survivor, id)
  const legs = paint(cl[0] * 0.6, cl[1] * 0.6, cl[2] * 0.6, uniform(rng, 0.68, 0.74), PST900.survivor, id)
  const lw = Math.max(c.minThick, 0.1 * hp)
  const pose = rng()
  if (pose < 0.4) {
    // Lying on the floor, head to one side.
    const dir = rng() < 0.5 ? -1 : 1
    const len = hp * 1.05
    const th = 0.16 * hp
    strokeLine(L, cx - dir * 0.05 * len, yb - th * 0.5, cx - dir * 0.5 * len, yb - th * 0.4, lw, legs)
    fillEllipse(L, cx + dir * 0.12 * len, yb - th * 0.55, 0.22 * len, th * 0.6, cloth)
    strokeLine(L, cx + dir * 0.2 * len, yb - th, cx + dir * 0.05 * len, yb - th * 1.5, lw * 0.7, cloth)
    fillEllipse(L, cx + dir * 0.42 * len, yb - th * 0.6, 0.07 * len, 0.08 * len, skin)
    return
  }
  const sitting = pose < 0.7
  const h = sitting ? hp * 0.62 : hp
  const top = yb - h
  const hip = top + (sitting ? 0.62 : 0.52) * h
  if (sitting) {
    const dir = rng() < 0.5 ? -1 : 1
    strokeLine(L, cx, hip, cx + dir * 0.3 * hp, yb - lw * 0.5, lw, legs)
    strokeLine(L, cx + 0.04 * hp, hip, cx + dir * 0.34 * hp, yb - lw * 0.4, lw, legs)
  } else {
    const stride = uniform(rng, 0, 0.1) * h
    strokeLine(L, cx - 0.05 * h, hip, cx - 0.05 * h - stride, yb - lw * 0.5, lw, legs)
    strokeLine(L, cx + 0.05 * h, hip, cx + 0.05 * h + stride, yb - lw * 0.5, lw, legs)
  }
  const sh = top + 0.14 * hp
  fillPolygon(L, [cx - 0.13 * hp, sh, cx + 0.13 * hp, sh, cx + 0.11 * hp, hip + 0.04 * hp, cx - 0.11 * hp, hip + 0.04 * hp], cloth)
  const aw = Math.max(c.minThick * 0.7, 0.07 * hp)
  strokeLine(L, cx - 0.14 * hp, sh + 0.04 * hp, cx - 0.18 * hp, sh + 0.32 * hp, aw, cloth)
  strokeLine(L, cx + 0.14 * hp, sh + 0.04 * hp, cx + uniform(rng, 0.1, 0.3) * hp, sh + uniform(rng, 0.05, 0.32) * hp, aw, cloth)
  fillEllipse(L, cx, top + 0.07 * hp, 0.06 * hp, 0.072 * hp, skin)
}

/** Fire-extinguisher: red cylinder, domed top, black valve and hose; cooler than the room. */
export function drawFireExtinguisher(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const h = 140 * s * u * uniform(rng, 0.85, 1.15)
  const w = 0.34 * h
  const t = c.ambient - uniform(rng, 0.06, 0.1)
  const red = tone(rng, [200, 25, 25], 0.12)
  const body = paint(red[0], red[1], red[2], t, PST900.fire_extinguisher, id)
  const shade = paint(red[0] * 0.65, red[1] * 0.65, red[2] * 0.65, t, PST900.fire_extinguisher, id)
  const black = paint(25, 25, 25, t + 0.01, PST900.fire_extinguisher, id)
  fillRect(L, cx - w / 2, yb - 0.82 * h, cx + w / 2, yb, body)
  fillRect(L, cx + w * 0.22, yb - 0.82 * h, cx + w / 2, yb, shade)
  fillEllipse(L, cx, yb - 0.82 * h, w / 2, 0.08 * h, body)
  fillRect(L, cx - w * 0.12, yb - h, cx + w * 0.12, yb - 0.86 * h, black)
  fillRect(L, cx - w * 0.42, yb - 0.6 * h, cx + w * 0.42, yb - 0.48 * h, paint(235, 235, 225, t, PST900.fire_extinguisher, id))
  strokeLine(L, cx + w * 0.1, yb - 0.95 * h, cx + w * 0.75, yb - 0.45 * h, Math.max(c.minThick * 0.6, 0.05 * h), black)
}

/** Backpack: rounded sack with a front pocket and straps, close to ambient with a faint warm back. */
export function drawBackpack(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const h = 150 * s * u * uniform(rng, 0.85, 1.15)
  const w = h * uniform(rng, 0.65, 0.85)
  const t = c.ambient + uniform(rng, 0.03, 0.07)
  const col = tone(rng, pick(rng, PACKS), 0.12)
  const body = paint(col[0], col[1], col[2], t, PST900.backpack, id)
  const dark = paint(col[0] * 0.6, col[1] * 0.6, col[2] * 0.6, t + 0.01, PST900.backpack, id)
  fillRect(L, cx - w / 2, yb - 0.75 * h, cx + w / 2, yb, body)
  fillEllipse(L, cx, yb - 0.75 * h, w / 2, 0.25 * h, body)
  fillRect(L, cx - w * 0.32, yb - 0.42 * h, cx + w * 0.32, yb - 0.06 * h, dark)
  fillRect(L, cx - w * 0.3, yb - 0.45 * h, cx + w * 0.3, yb - 0.4 * h, paint(20, 20, 20, t, PST900.backpack, id))
  const sw = Math.max(c.minThick * 0.6, 0.07 * w)
  strokeLine(L, cx - w * 0.55, yb - 0.85 * h, cx - w * 0.6, yb - 0.2 * h, sw, dark)
  fillEllipse(L, cx, yb - 1.02 * h, w * 0.12, 0.05 * h, dark)
}

/** Hand-drill: pistol-shaped, body, chuck, grip and battery; small, motor warm-ish. */
export function drawHandDrill(c: DrawContext, cx: number, yb: number, s: number, id: number): void {
  const { L, rng, u } = c
  const h = 75 * s * u * uniform(rng, 0.85, 1.15)
  const dir = rng() < 0.5 ? -1 : 1
  const t = uniform(rng, 0.52, 0.6)
  const col = tone(rng, pick(rng, DRILLS), 0.1)
  const body = paint(col[0], col[1], col[2], t + 0.05, PST900.hand_drill, id)
  const black = paint(30, 30, 30, t, PST900.hand_drill, id)
  const gx = cx - dir * 0.15 * h
  fillRect(L, gx - 0.34 * h, yb - 0.22 * h, gx + 0.34 * h, yb, black) // battery
  fillPolygon(L, [gx - 0.14 * h, yb - 0.22 * h, gx + 0.14 * h, yb - 0.22 * h, gx + 0.2 * h, yb - 0.75 * h, gx - 0.1 * h, yb - 0.75 * h], body)
  fillRect(L, Math.min(gx - dir * 0.3 * h, gx + dir * 0.55 * h), yb - h, Math.max(gx - dir * 0.3 * h, gx + dir * 0.55 * h), yb - 0.68 * h, body)
  fillRect(L, Math.min(gx + dir * 0.55 * h, gx + dir * 0.75 * h), yb - 0.94 * h, Math.max(gx + dir * 0.55 * h, gx + dir * 0.75 * h), yb - 0.74 * h, black)
  strokeLine(L, gx + dir * 0.75 * h, yb - 0.84 * h, gx + dir * 1.0 * h, yb - 0.84 * h, Math.max(2, 0.05 * h), paint(170, 170, 175, t - 0.05, PST900.hand_drill, id))
}
