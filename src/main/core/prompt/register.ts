/**
 * Registering a prompt model in a project (CLI add-model; a UI dialog can call the same): the files
 * are opened and checked first (format detected from the decoder's inputs, encoder outputs matched
 * to the decoder's embedding inputs), so a wrong file is refused with the missing tensor names
 * before anything is written. Then the registration goes into project meta.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { PromptSource } from '@shared/contract/methods/prompt'
import { loadModelPackage } from '../models/packageLoader'
import type { ProjectStore } from '../store/projectStore'
import { filesId, writePromptConfig, type PromptConfig } from './config'
import { PackagePromptEngine } from './packageEngine'
import { PromptModel } from './promptModel'

export interface RegisterArgs {
  encoder?: string
  decoder?: string
  /** A folder: a model package (manifest.json with parts.promptDecoder) or one *encoder*.onnx + one *decoder*.onnx. */
  folder?: string
  name?: string
  source?: PromptSource
}

/** Encoder/decoder files of a plain folder, by name. */
function pairInFolder(dir: string): { encoder: string; decoder: string } {
  const onnx = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.onnx'))
  const pick = (word: string): string => {
    const hits = onnx.filter((f) => f.toLowerCase().includes(word))
    if (hits.length !== 1) throw new ApiError('invalid_argument', `${dir}: expected exactly one *${word}*.onnx, found ${hits.length ? hits.join(', ') : 'none'} (ONNX files: ${onnx.join(', ') || 'none'}).`)
    return join(dir, hits[0]!)
  }
  return { encoder: pick('encoder'), decoder: pick('decoder') }
}

export async function registerPromptModel(store: ProjectStore, a: RegisterArgs): Promise<PromptConfig> {
  const source = a.source ?? 'rgb'
  let cfg: PromptConfig
  if (a.folder && existsSync(join(a.folder, 'manifest.json'))) {
    const dir = resolve(a.folder)
    const pkg = await loadModelPackage(dir)
    if (!pkg.promptDecoderPath) throw new ApiError('bad_input', `Model package "${pkg.manifest.name}" has no prompt decoder (parts.promptDecoder).`)
    const id = `${pkg.manifest.id}:${await filesId([pkg.backbonePath, pkg.promptDecoderPath])}`
    await (await PackagePromptEngine.open(id, dir, { threads: 1 })).release()
    cfg = { name: a.name ?? pkg.manifest.name, kind: 'package', format: pkg.manifest.parts.promptDecoder!.format, id, encoder: dir, decoder: pkg.promptDecoderPath, source, addedAt: new Date().toISOString() }
  } else {
    let encoder = a.encoder
    let decoder = a.decoder
    if (a.folder) {
      if (!existsSync(a.folder) || !statSync(a.folder).isDirectory()) throw new ApiError('not_found', `Folder not found: ${a.folder}`)
      ;({ encoder, decoder } = pairInFolder(a.folder))
    }
    if (!encoder || !decoder) throw new ApiError('invalid_argument', 'Give --sam-encoder and --sam-decoder, or a folder holding both (or a model package).')
    encoder = resolve(encoder)
    decoder = resolve(decoder)
    const id = await filesId([encoder, decoder])
    const m = await PromptModel.open(id, encoder, decoder, { threads: 1 })
    const format = m.format
    await m.release()
    cfg = { name: a.name ?? basename(decoder, '.onnx'), kind: 'onnx-pair', format, id, encoder, decoder, source, addedAt: new Date().toISOString() }
  }
  writePromptConfig(store, cfg)
  return cfg
}
