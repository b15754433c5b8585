import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

// Lints code as if it lived at a given path, so the layering rule is proven on real config.
async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() })
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

describe('layering lint rule', () => {
  it('rejects fs in src/shared', async () => {
    const msgs = await lintAs('src/shared/formats/bad.ts', "import { readFileSync } from 'fs'\nexport const x = readFileSync\n")
    expect(msgs.join('\n')).toMatch(/no-restricted-imports: .*src\/shared must not import fs/)
  })

  it('rejects node: builtins and DOM globals in src/shared', async () => {
    const msgs = await lintAs('src/shared/labelmap/bad.ts', "import { join } from 'node:path'\nexport const y = join('a', 'b') + document.title\n")
    expect(msgs.some((m) => m.includes('node:path'))).toBe(true)
    expect(msgs.some((m) => m.startsWith('no-restricted-globals'))).toBe(true)
  })

  it('rejects src/renderer importing from src/main', async () => {
    const msgs = await lintAs('src/renderer/src/bad.ts', "import { Workstation } from '../../main/core/workstation'\nexport const w = Workstation\n")
    expect(msgs.join('\n')).toMatch(/src\/renderer must not import from src\/main/)
  })

  it('rejects src/main importing from src/renderer', async () => {
    const msgs = await lintAs('src/main/core/bad.ts', "import x from '../../renderer/src/api'\nexport const y = x\n")
    expect(msgs.join('\n')).toMatch(/src\/main must not import from src\/renderer/)
  })

  it('accepts @shared imports in every layer', async () => {
    for (const p of ['src/shared/a.ts', 'src/main/core/a.ts', 'src/renderer/src/a.ts', 'src/preload/a.ts']) {
      const msgs = await lintAs(p, "import { ApiError } from '@shared/contract/errors'\nexport const e = ApiError\n")
      expect(msgs, p).toEqual([])
    }
  })
})
