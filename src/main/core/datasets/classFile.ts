/**
 * Reads a small class-list file (classes.json) for folder-pair and custom datasets.
 * Accepted shapes: ["car", "person"] | [{index?, name, color?, ignore?}] | {classes: [...]}.
 */
import { readFile } from 'node:fs/promises'
import { MFNET_CLASSES, type ClassDef, type Rgb } from '@shared/formats/classes'
import { DatasetFileError } from './types'

function fallbackColour(i: number): Rgb {
  const known = MFNET_CLASSES[i]?.color
  if (known) return [...known] as Rgb
  // Golden-angle hues: distinct colours for any number of extra classes.
  const h = (i * 137.508) % 360
  const f = (n: number): number => {
    const k = (n + h / 30) % 12
    return Math.round(255 * (0.5 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}

export async function readClassFile(file: string): Promise<ClassDef[]> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new DatasetFileError(file, `cannot read class list (${err instanceof Error ? err.message : String(err)})`)
  }
  const list = Array.isArray(raw) ? raw : (raw as { classes?: unknown })?.classes
  if (!Array.isArray(list) || list.length === 0) throw new DatasetFileError(file, 'class list must be a non-empty array or {classes: [...]}')
  const out: ClassDef[] = []
  const seen = new Set<number>()
  list.forEach((entry, i) => {
    const e = typeof entry === 'string' ? { name: entry } : (entry as Record<string, unknown>)
    const index = e.index === undefined ? i : Number(e.index)
    if (!Number.isInteger(index) || index < 0 || index > 255) throw new DatasetFileError(file, `class ${i}: index must be an integer 0..255`)
    if (seen.has(index)) throw new DatasetFileError(file, `class index ${index} listed twice`)
    if (typeof e.name !== 'string' || !e.name) throw new DatasetFileError(file, `class ${i}: name must be a non-empty string`)
    const c = e.color ?? e.colour
    const color: Rgb = Array.isArray(c) && c.length === 3 && c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)
      ? [c[0], c[1], c[2]]
      : fallbackColour(index)
    seen.add(index)
    out.push({ index, name: e.name, color, ignore: e.ignore === true })
  })
  return out.sort((a, b) => a.index - b.index)
}
