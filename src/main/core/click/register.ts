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
import { loadModelPackage, type LoadedModelPackage } from '../models/package/packageLoader'
import type { ProjectStore } from '../store/projectStore'
import { filesId, filesStamp, readPromptConfig, resolveModelFile, writePromptConfig, type PromptConfig } from './config'
import { PackagePromptEngine } from './packageEngine'
import { PromptModel } from './promptModel'

export interface RegisterArgs {
  encoder?: string
  decoder?: string
  /** A folder: a model package (manifest.json with parts.promptDecoder) or one *encoder*.onnx + one *decoder*.onnx. */
  folder?: string
  name?: string
  source?: PromptSource
  /** Refuse a pair whose decoder is not this format (an X-AnyLabeling config names its type). */
  expectFormat?: 'sam' | 'sam2'
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

type PromptPackage = LoadedModelPackage & { promptDecoderPath: string }

/** A model package that has a prompt decoder (refused by name otherwise). */
async function loadPromptPackage(dir: string): Promise<PromptPackage> {
  const pkg = await loadModelPackage(dir)
  if (!pkg.promptDecoderPath) throw new ApiError('bad_input', `Model package "${pkg.manifest.name}" has no prompt decoder (parts.promptDecoder).`)
  return { ...pkg, promptDecoderPath: pkg.promptDecoderPath }
}

/** A package registration's id: the manifest id and a content hash of its backbone and decoder. */
async function packageId(pkg: PromptPackage): Promise<string> {
  return `${pkg.manifest.id}:${await filesId([pkg.backbonePath, pkg.promptDecoderPath])}`
}

/** The id of a registration: packageId, or a content hash of the encoder/decoder pair. */
async function contentId(kind: PromptConfig['kind'], encoder: string, decoder: string): Promise<string> {
  return kind === 'package' ? packageId(await loadPromptPackage(encoder)) : filesId([encoder, decoder])
}

/** The size/mtime stamp of a registration's files: the pair, or a package folder's manifest and
 *  ONNX files (its backbone and decoder among them); null when they are not there. */
function stampOf(kind: PromptConfig['kind'], encoder: string, decoder: string): string | null {
  const files = kind !== 'package' ? [encoder, decoder]
    : existsSync(encoder) && statSync(encoder).isDirectory() ? readdirSync(encoder).filter((f) => f === 'manifest.json' || f.endsWith('.onnx')).sort().map((f) => join(encoder, f)) : []
  if (files.length === 0 || !files.every((f) => existsSync(f))) return null
  return filesStamp(files)
}

/**
 * The project's registration with an id that matches the files as they are now. When a registered
 * file was replaced in place since its id was computed (size or mtime differ, e.g. the embedded tiny
 * package after an app update), the id is recomputed and saved, so embeddings cached for the old
 * files are never fed to the new decoder. A few stat calls when nothing changed.
 */
export async function currentRegistration(store: ProjectStore): Promise<PromptConfig | null> {
  const cfg = readPromptConfig(store)
  if (!cfg) return null
  const enc = resolveModelFile(store, cfg.encoder)
  const dec = resolveModelFile(store, cfg.decoder)
  const stamp = stampOf(cfg.kind, enc, dec) // taken before hashing, as at registration
  // missing files: opening the engine reports them, with their paths
  if (stamp === null || cfg.stamp === stamp) return cfg
  const next = { ...cfg, id: await contentId(cfg.kind, enc, dec), stamp }
  writePromptConfig(store, next)
  return next
}

export async function registerPromptModel(store: ProjectStore, a: RegisterArgs): Promise<PromptConfig> {
  const source = a.source ?? 'rgb'
  let cfg: PromptConfig
  if (a.folder && existsSync(join(a.folder, 'manifest.json'))) {
    const dir = resolve(a.folder)
    const pkg = await loadPromptPackage(dir)
    // stamp before hashing: a file that changes in between is noticed at the next use
    const stamp = stampOf('package', dir, pkg.promptDecoderPath) ?? undefined
    const id = await packageId(pkg)
    await (await PackagePromptEngine.open(id, dir, { threads: 1 })).release()
    cfg = { name: a.name ?? pkg.manifest.name, kind: 'package', format: pkg.manifest.parts.promptDecoder!.format, id, encoder: dir, decoder: pkg.promptDecoderPath, source, addedAt: new Date().toISOString(), stamp }
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
    const stamp = stampOf('onnx-pair', encoder, decoder) ?? undefined
    const id = await contentId('onnx-pair', encoder, decoder)
    const m = await PromptModel.open(id, encoder, decoder, { threads: 1 })
    const format = m.format
    await m.release()
    if (a.expectFormat && format !== a.expectFormat) throw new ApiError('bad_input', `${decoder} is a ${format.toUpperCase()} decoder, but the config says ${a.expectFormat.toUpperCase()}; nothing was registered.`)
    cfg = { name: a.name ?? basename(decoder, '.onnx'), kind: 'onnx-pair', format, id, encoder, decoder, source, addedAt: new Date().toISOString(), stamp }
  }
  writePromptConfig(store, cfg)
  return cfg
}
