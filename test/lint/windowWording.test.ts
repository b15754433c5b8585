/**
 * What the window says tells the user what to do IN THE WINDOW: no CLI command (`twinlight import`,
 * `twinlight add-model`, `twinlight serve`) and no API method name appears in the renderer's
 * strings or templates, nor in the main-side messages that reach the annotator's notices.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { methodNames } from '@shared/contract/methods'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) return files(p)
    return /\.(vue|ts)$/.test(n) && !/\.test\.ts$/.test(n) ? [p] : []
  })
}

/** Source without comments: what can end up on screen. */
function shown(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/^\s*\/\/.*$/gm, '')
}

/** Text inside quotes and template literals, and text between tags. */
function userText(src: string): string[] {
  const out: string[] = []
  for (const m of shown(src).matchAll(/'([^'\n]*)'|`([^`]*)`|>([^<>{}\n]+)</g)) out.push(m[1] ?? m[2] ?? m[3] ?? '')
  return out
}

const CLI = /\btwinlight (import|add-model|serve|export|prefill|train|demo|info)\b/
const methodsInText = new RegExp(`\\b(${methodNames.join('|')})\\b(?=\\s*[:(])`)

describe('wording in the window', () => {
  it('the renderer names no CLI command and no API method in what it shows', () => {
    const hits: string[] = []
    for (const f of files(join(process.cwd(), 'src/renderer/src'))) {
      for (const t of userText(readFileSync(f, 'utf8'))) {
        if (CLI.test(t) || (/\s/.test(t) && methodsInText.test(t))) hits.push(`${f}: ${t.trim().slice(0, 120)}`)
      }
    }
    expect(hits).toEqual([])
  })

  it('main-side messages that reach the window say what to do in it', () => {
    const classMap = readFileSync(join(process.cwd(), 'src/main/core/prefill/classMap.ts'), 'utf8')
    expect(classMap).not.toMatch(/\(setClassMapping:/)
    expect(classMap).toMatch(/in the Models panel/)
    const click = readFileSync(join(process.cwd(), 'src/main/core/click/service.ts'), 'utf8')
    for (const m of click.matchAll(/No prompt model is registered[^']*/g)) expect(m[0]).toMatch(/in the Models panel/)
  })
})
