import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

// Lints code as if it lived at a given path, so the globals rule of src/shared is proven on real config.
async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() })
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

describe('layering lint rule (globals)', () => {
  // Which module may import which is dependency-cruiser's job now: see archRules.test.ts.
  it('rejects DOM and Node globals in src/shared', async () => {
    const msgs = await lintAs('src/shared/labelmap/bad.ts', "export const y = document.title + String(process.pid)\n")
    expect(msgs.filter((m) => m.startsWith('no-restricted-globals')).length).toBe(2)
  })

  it('accepts @shared imports in every layer', async () => {
    for (const p of ['src/shared/a.ts', 'src/main/core/a.ts', 'src/renderer/src/a.ts', 'src/preload/a.ts']) {
      const msgs = await lintAs(p, "import { ApiError } from '@shared/contract/errors'\nexport const e = ApiError\n")
      expect(msgs, p).toEqual([])
    }
  })
})
