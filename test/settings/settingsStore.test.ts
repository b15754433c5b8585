/**
 * The app settings file (<dataDir>/settings.json): a round trip through a new store (a restart),
 * atomic writes, and a corrupt or invalid file: the defaults, one warning naming the file, and the
 * file left untouched until a setting is changed.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SettingsStore } from '../../src/main/core/settings/settingsStore'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

describe('settings store', () => {
  it('defaults without a file; a change is written atomically and read back by the next store', () => {
    const dir = tmp()
    const warnings: string[] = []
    const s = new SettingsStore(dir, (m) => warnings.push(m))
    expect(s.get()).toMatchObject({ pythonPath: null, featureCacheCapMb: null })
    expect(existsSync(s.file)).toBe(false)
    s.update({ pythonPath: '/opt/py/bin/python3' })
    expect(readdirSync(dir)).toEqual(['settings.json'])
    const again = new SettingsStore(dir, (m) => warnings.push(m))
    expect(again.get().pythonPath).toBe('/opt/py/bin/python3')
    again.update({ featureCacheCapMb: 512 })
    expect(new SettingsStore(dir).get()).toMatchObject({ pythonPath: '/opt/py/bin/python3', featureCacheCapMb: 512 })
    again.update({ pythonPath: null })
    expect(new SettingsStore(dir).get().pythonPath).toBeNull()
    expect(warnings).toEqual([])
  })

  it('a corrupt file: defaults, one warning naming it, the file untouched until a setting changes', () => {
    const dir = tmp()
    const file = join(dir, 'settings.json')
    writeFileSync(file, '{"pythonPath": "/usr/bin/py')
    const warnings: string[] = []
    const s = new SettingsStore(dir, (m) => warnings.push(m))
    expect(s.get().pythonPath).toBeNull()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(file)
    expect(readFileSync(file, 'utf8')).toBe('{"pythonPath": "/usr/bin/py')
    s.update({ pythonPath: '/usr/bin/python3' })
    expect(JSON.parse(readFileSync(file, 'utf8')).pythonPath).toBe('/usr/bin/python3')
  })

  it('a file of the wrong shape: defaults and a warning saying which field', () => {
    const dir = tmp()
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ pythonPath: 42 }))
    const warnings: string[] = []
    expect(new SettingsStore(dir, (m) => warnings.push(m)).get().pythonPath).toBeNull()
    expect(warnings[0]).toMatch(/pythonPath/)
  })

  it('keeps keys it does not know (a newer app wrote them)', () => {
    const dir = tmp()
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ pythonPath: null, future: { x: 1 } }))
    const s = new SettingsStore(dir)
    s.update({ featureCacheCapMb: 256 })
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).future).toEqual({ x: 1 })
  })
})
