/**
 * The project's prompt model registration, kept in project meta under `promptModel` (JSON), so no
 * schema migration is needed: which encoder/decoder files (absolute, or relative to the project
 * folder), the detected format, a content id for cache keys, and the encoder source setting.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { ApiError } from '@shared/contract/errors'
import { promptSource, type PromptModelInfo } from '@shared/contract/methods/prompt'
import type { ProjectStore } from '../store/projectStore'

export const PROMPT_META_KEY = 'promptModel'

const configSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['onnx-pair', 'package']).default('onnx-pair'),
  format: z.enum(['sam', 'sam2']),
  id: z.string().min(8),
  encoder: z.string().min(1),
  decoder: z.string().min(1),
  source: promptSource,
  addedAt: z.string(),
  /** Size and mtime of the files `id` hashes, when it was computed (filesStamp): a file replaced in
   *  place (an app update of the embedded package) is noticed without hashing it on every open. */
  stamp: z.string().optional()
})

export type PromptConfig = z.infer<typeof configSchema>

export function readPromptConfig(store: ProjectStore): PromptConfig | null {
  const raw = store.getMeta(PROMPT_META_KEY)
  if (!raw) return null
  try {
    return configSchema.parse(JSON.parse(raw))
  } catch (e) {
    throw new ApiError('bad_input', `The project's prompt model registration is unreadable (${(e as Error).message.slice(0, 200)}); add the prompt model again in the Models panel (Model → Models…; from a terminal: twinlight add-model).`)
  }
}

export function writePromptConfig(store: ProjectStore, cfg: PromptConfig): void {
  store.setMeta(PROMPT_META_KEY, JSON.stringify(configSchema.parse(cfg)))
}

/** Unregisters the prompt model; its files are not touched. */
export function clearPromptConfig(store: ProjectStore): void {
  store.deleteMeta(PROMPT_META_KEY)
}

/** Absolute path of a registered file (relative paths are relative to the project file's folder). */
export function resolveModelFile(store: ProjectStore, p: string): string {
  return isAbsolute(p) ? p : resolve(dirname(store.path), p)
}

export function publicInfo(cfg: PromptConfig): PromptModelInfo {
  return { name: cfg.name, format: cfg.format, id: cfg.id, source: cfg.source, encoder: cfg.encoder, decoder: cfg.decoder }
}

/** Size and modification time of each file: cheap to check before every use. */
export function filesStamp(paths: string[]): string {
  return paths.map((p) => {
    const st = statSync(p)
    return `${st.size}:${Math.round(st.mtimeMs)}`
  }).join('|')
}

/** sha256 over the files' bytes (streamed; a 350 MB SAM encoder takes about a second). */
export async function filesId(paths: string[]): Promise<string> {
  const h = createHash('sha256')
  for (const p of paths) {
    if (!existsSync(p) || !statSync(p).isFile()) throw new ApiError('not_found', `Model file not found: ${p}`)
    await new Promise<void>((res, rej) => {
      createReadStream(p).on('data', (c) => h.update(c)).on('end', () => res()).on('error', rej)
    })
    h.update('\0')
  }
  return h.digest('hex').slice(0, 24)
}
