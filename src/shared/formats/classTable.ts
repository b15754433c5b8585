/**
 * Rules every class table follows, wherever it is made (new-project editor, class file, Classes
 * panel): a name per class, no name or index twice, label values 0–255. Shared so the renderer
 * shows the same sentences main refuses with.
 */
import type { ClassInfo } from '../contract/types'

/** Label maps are uint8: values 0–255, so at most 256 classes. */
export const MAX_CLASSES = 256
export const MAX_CLASS_NAME = 100

/** The problem with one class name (null when fine); `others` are the names already taken. */
export function classNameProblem(name: string, others: readonly string[]): string | null {
  const n = name.trim()
  if (!n) return 'A class needs a name.'
  if (n.length > MAX_CLASS_NAME) return `Class name "${n.slice(0, 20)}…" is longer than ${MAX_CLASS_NAME} characters.`
  if (others.some((o) => o.trim().toLowerCase() === n.toLowerCase())) return `There is already a class named "${n}".`
  return null
}

/** Every problem of a whole table, as sentences (empty when the table is usable). */
export function classTableProblems(classes: readonly ClassInfo[]): string[] {
  const problems: string[] = []
  if (classes.length === 0) problems.push('The class table is empty: add at least one class.')
  if (classes.length > MAX_CLASSES) problems.push(`A class table holds at most ${MAX_CLASSES} classes (label values 0–255); this one has ${classes.length}.`)
  const byIndex = new Map<number, string>()
  const byName = new Map<string, number>()
  for (const c of classes) {
    if (!Number.isInteger(c.index) || c.index < 0 || c.index > 255) problems.push(`Class "${c.name}" has index ${c.index}; label values are 0–255.`)
    else if (byIndex.has(c.index)) problems.push(`Index ${c.index} is used by both "${byIndex.get(c.index)}" and "${c.name}".`)
    else byIndex.set(c.index, c.name)
    const name = c.name.trim()
    if (!name) problems.push(`Class ${c.index} has no name.`)
    else if (name.length > MAX_CLASS_NAME) problems.push(`Class ${c.index}: the name is longer than ${MAX_CLASS_NAME} characters.`)
    else if (byName.has(name.toLowerCase())) problems.push(`Two classes are named "${name}" (indices ${byName.get(name.toLowerCase())} and ${c.index}).`)
    else byName.set(name.toLowerCase(), c.index)
    if (c.color.length !== 3 || c.color.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) problems.push(`Class "${name}" has colour ${JSON.stringify(c.color)}; use three integers 0–255.`)
  }
  return problems
}

/** The index a new class gets: one past the highest used below 255 (255 stays the ignore value), else the lowest free. */
export function nextFreeIndex(classes: readonly ClassInfo[]): number | null {
  const used = new Set(classes.map((c) => c.index))
  const top = Math.max(-1, ...classes.filter((c) => c.index < 255).map((c) => c.index))
  if (top + 1 < 255 && !used.has(top + 1)) return top + 1
  for (let i = 0; i < 256; i++) if (!used.has(i)) return i
  return null
}
