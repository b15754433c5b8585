/**
 * Reads a small class-list file (classes.json, or YAML) for folder-pair and custom datasets.
 * Accepted shapes: ["car", "person"] | [{index?, name, color?, ignore?}] | {classes: [...]} |
 * {names: [...] or {0: car, 1: person}} (the YOLO data.yaml shape).
 */
import { readFile } from 'node:fs/promises'
import { load as loadYaml } from 'js-yaml'
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
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new DatasetFileError(file, `cannot read class list (${err instanceof Error ? err.message : String(err)})`)
  }
  return parseClassFileText(text, file)
}

/** Parses a class file's text; `.yaml`/`.yml` names are read as YAML, anything else as JSON. */
export function parseClassFileText(text: string, file: string): ClassDef[] {
  let raw: unknown
  const yaml = /\.ya?ml$/i.test(file)
  try {
    raw = yaml ? loadYaml(text) : JSON.parse(text)
  } catch (err) {
    throw new DatasetFileError(file, `cannot read class list as ${yaml ? 'YAML' : 'JSON'} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`)
  }
  const obj = raw as { classes?: unknown; names?: unknown } | null
  const names = obj?.names
  const list = Array.isArray(raw)
    ? raw
    : (obj?.classes ?? (names && typeof names === 'object' && !Array.isArray(names) ? Object.entries(names).map(([index, name]) => ({ index, name })) : names))
  if (!Array.isArray(list) || list.length === 0) throw new DatasetFileError(file, 'class list must be a non-empty array, {classes: [...]} or {names: ...}')
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
