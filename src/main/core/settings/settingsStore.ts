/**
 * App settings that must survive a restart (the Python used by the LoRA tier, the feature-cache
 * cap), in `<dataDir>/settings.json`. Validated with zod and written atomically (tmp + rename). A
 * file that cannot be read or parsed gives the defaults and one warning naming it, and is left as
 * it is until the user changes a setting, so a hand-edited file is never overwritten silently.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const settingsSchema = z
  .object({
    /** Absolute path of the Python interpreter for the LoRA tier; null: discovered (training/lora/pythonProbe.ts). */
    pythonPath: z.string().min(1).nullable().default(null),
    /** Feature-cache cap in MB set in the Models panel; null: TWINLIGHT_FEATURE_CACHE_MB or the default. */
    featureCacheCapMb: z.number().int().positive().nullable().default(null)
  })
  .passthrough()

export type Settings = z.infer<typeof settingsSchema>

export class SettingsStore {
  readonly file: string
  private current: Settings

  constructor(dataDir: string, private readonly warn: (msg: string) => void = (m) => console.warn(m)) {
    this.file = join(dataDir, 'settings.json')
    this.current = this.read()
  }

  get(): Readonly<Settings> {
    return this.current
  }

  /** Applies `patch` and writes the whole file (tmp + rename); returns the new settings. */
  update(patch: Partial<Settings>): Readonly<Settings> {
    const next = settingsSchema.parse({ ...this.current, ...patch })
    const tmp = `${this.file}.tmp-${process.pid}`
    writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n')
    renameSync(tmp, this.file)
    this.current = next
    return next
  }

  private read(): Settings {
    const defaults = settingsSchema.parse({})
    if (!existsSync(this.file)) return defaults
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')))
      if (parsed.success) return parsed.data
      this.warn(`twinlight: ${this.file} is not valid settings (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}); using the defaults, the file is left as it is until a setting is changed.`)
    } catch (e) {
      this.warn(`twinlight: ${this.file} cannot be read (${(e as Error).message}); using the defaults, the file is left as it is until a setting is changed.`)
    }
    return defaults
  }
}
