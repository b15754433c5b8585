import { vi } from 'vitest'

/** Collects what a CLI command writes to stdout and stderr (restore with vi.restoreAllMocks()). */
export function captureOutput(): { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true })
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true })
  return { out, err }
}
