// Proves each dependency-cruiser rule in .dependency-cruiser.mjs fires: the real config runs on
// test/lint/fixtures/arch, a small tree with one file breaking each rule and clean files that must pass.
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/arch/', import.meta.url))

interface Violation {
  from: string
  to: string
  rule: { name: string }
}

interface CruiseSummary {
  violations: Violation[]
  ruleSetUsed: { forbidden: { name: string }[] }
}

/** Runs the depcruise CLI with the project's config in `cwd` and returns its summary. */
function cruise(cwd: string): CruiseSummary {
  const cli = `${root}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`
  const r = spawnSync(process.execPath, [cli, 'src', '--config', `${root}.dependency-cruiser.mjs`, '--output-type', 'json'], { cwd, encoding: 'utf8' })
  if (!r.stdout) throw new Error(`depcruise printed nothing (exit ${r.status}): ${r.stderr}`)
  return (JSON.parse(r.stdout) as { summary: CruiseSummary }).summary
}

const fixtureRun = cruise(fixtures)
const violations = fixtureRun.violations
const byRule = (name: string): string[] => violations.filter((v) => v.rule.name === name).map((v) => `${v.from} -> ${v.to}`)

describe('architecture rules (dependency-cruiser)', () => {
  it.each([
    ['no-circular', /^src\/main\/core\/cycle[AB]\.ts -> src\/main\/core\/cycle[AB]\.ts$/],
    ['shared-imports-only-shared', /^src\/shared\/importsMain\.ts -> src\/main\/cli\/tool\.ts$/],
    ['shared-no-node-builtins', /^src\/shared\/usesFs\.ts -> fs$/],
    ['shared-no-native-modules', /^src\/shared\/usesElectron\.ts -> .*node_modules\/electron\//],
    ['renderer-not-main-or-preload', /^src\/renderer\/importsMain\.ts -> src\/main\/cli\/tool\.ts$/],
    ['renderer-no-node', /^src\/renderer\/usesPath\.ts -> path$/],
    ['renderer-no-native-modules', /^src\/renderer\/usesSqlite\.ts -> .*node_modules\/better-sqlite3\//],
    ['preload-not-main-or-renderer', /^src\/preload\/importsRenderer\.ts -> src\/renderer\/view\.ts$/],
    ['preload-no-native-modules', /^src\/preload\/usesSharp\.ts -> .*node_modules\/sharp\//],
    ['models-not-training', /^src\/main\/core\/models\/usesTraining\.ts -> src\/main\/core\/training\/loop\.ts$/],
    ['sqlite-only-in-store', /^src\/main\/core\/datasets\/rawSql\.ts -> .*node_modules\/better-sqlite3\//],
    ['store-internals-stay-in-store', /^src\/main\/core\/datasets\/usesConnection\.ts -> src\/main\/core\/store\/db\.ts$/],
    ['only-composition-root-constructs-services', /^src\/main\/cli\/buildsWorkstation\.ts -> src\/main\/core\/workstation\.ts$/],
    ['no-unresolvable', /^src\/main\/unresolved\.ts -> \.\/missing$/]
  ])('%s fires on its fixture', (rule, edge) => {
    const hits = byRule(rule)
    expect(hits.length, `${rule}: ${hits.join(', ')}`).toBeGreaterThan(0)
    for (const h of hits) expect(h).toMatch(edge)
  })

  it('main-not-renderer-or-preload fires on both directions', () => {
    expect(byRule('main-not-renderer-or-preload').sort()).toEqual([
      'src/main/importsPreload.ts -> src/preload/bridge.ts',
      'src/main/importsRenderer.ts -> src/renderer/view.ts'
    ])
  })

  it('every rule in the config has a fixture, and the allowed files pass', () => {
    const names = fixtureRun.ruleSetUsed.forbidden.map((r) => r.name).sort()
    expect([...new Set(violations.map((v) => v.rule.name))].sort()).toEqual(names)
    const clean = ['src/shared/ok.ts', 'src/shared/pure.ts', 'src/renderer/view.ts', 'src/preload/bridge.ts', 'src/main/core/training/loop.ts', 'src/main/core/models/infer.ts', 'src/main/core/store/db.ts', 'src/main/core/store/imagesRepo.ts', 'src/main/core/app.ts', 'src/main/core/usesWorkstationType.ts']
    expect(violations.filter((v) => clean.includes(v.from))).toEqual([])
  })

  it('the real source tree has no violations', () => {
    expect(cruise(root).violations).toEqual([])
  })
})
