/**
 * X-AnyLabeling model configs (anylabeling/configs/auto_labeling/*.yaml), so its users can point
 * Twinlight at the SAM/SAM2 files they already have. The configs are flat `key: value` YAML; only
 * the top-level scalars are read. Paths resolve as X-AnyLabeling's Model.get_model_abs_path does:
 * a local path relative to the working directory, then relative to the config's folder; a URL
 * where X-AnyLabeling downloads it, ~/xanylabeling_data/models/<name>/<file> (or the older
 * ~/anylabeling_data). Twinlight never downloads. Model types other than segment_anything and
 * segment_anything_2 are refused with a sentence naming the type.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { ApiError } from '@shared/contract/errors'

export interface XAnyLabelingModel {
  type: 'segment_anything' | 'segment_anything_2'
  /** display_name, else name. */
  name: string
  encoder: string
  decoder: string
}

/** Why the SAM-family types Twinlight cannot serve are refused. */
const UNSUPPORTED: Record<string, string> = {
  sam_hq: 'its decoder also reads interm_embeddings',
  sam_med2d: 'it is a medical SAM with its own pre-processing',
  edge_sam: 'its encoder/decoder interface differs from segment-anything\'s',
  efficientvit_sam: 'its encoder/decoder interface differs from segment-anything\'s',
  segment_anything_2_video: 'it tracks video frames',
  segment_anything_3: 'SAM 3 takes text prompts and another decoder interface'
}

/** Top-level `key: value` scalars of a flat YAML file (indented lines and lists are skipped). */
export function flatYaml(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$/.exec(line)
    if (!m) continue
    let v = m[2]!
    if (/^["']/.test(v)) v = v.slice(1, v.indexOf(v[0]!, 1) > 0 ? v.indexOf(v[0]!, 1) : undefined)
    else v = v.replace(/\s+#.*$/, '')
    out[m[1]!] = v
  }
  return out
}

export interface ResolveOptions {
  /** X-AnyLabeling's work directory (home by default). */
  home?: string
  cwd?: string
}

function resolveModelPath(config: string, field: string, value: string, modelName: string, o: ResolveOptions): string {
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile()
  if (/^https?:\/\//.test(value)) {
    const file = basename(new URL(value).pathname)
    const home = o.home ?? homedir()
    const tried = ['xanylabeling_data', 'anylabeling_data'].map((d) => join(home, d, 'models', modelName, file))
    const hit = tried.find(isFile)
    if (hit) return hit
    throw new ApiError('not_found', `${config}: ${field} is a download URL and the file is not in X-AnyLabeling's model folder (${tried.join(' or ')}). Load the model once in X-AnyLabeling, or point ${field} at the local file; Twinlight does not download models.`)
  }
  const tried = [resolve(o.cwd ?? process.cwd(), value), resolve(dirname(config), value)]
  const hit = tried.find(isFile)
  if (hit) return hit
  throw new ApiError('not_found', `${config}: ${field} "${value}" was not found (looked at ${[...new Set(tried)].join(' and ')}).`)
}

/** Reads an X-AnyLabeling config and resolves its encoder/decoder files; refuses other model types by name. */
export function readXAnyLabelingConfig(path: string, o: ResolveOptions = {}): XAnyLabelingModel {
  const file = resolve(path)
  if (!existsSync(file) || !statSync(file).isFile()) throw new ApiError('not_found', `X-AnyLabeling config not found: ${file}`)
  const cfg = flatYaml(readFileSync(file, 'utf8'))
  const type = cfg.type
  if (!type) throw new ApiError('bad_input', `${file} has no "type:" line; is it an X-AnyLabeling model config?`)
  if (type !== 'segment_anything' && type !== 'segment_anything_2') {
    const why = UNSUPPORTED[type]
    throw new ApiError('bad_input', `${file}: X-AnyLabeling model type "${type}" is not supported${why ? ` (${why})` : ''}; Twinlight serves clicks with segment_anything and segment_anything_2 configs.`)
  }
  for (const f of ['encoder_model_path', 'decoder_model_path'] as const) {
    if (!cfg[f]) throw new ApiError('bad_input', `${file}: "${f}" is missing; a ${type} config names both the encoder and the decoder.`)
  }
  const modelName = cfg.name ?? basename(file, '.yaml')
  return {
    type,
    name: cfg.display_name || modelName,
    encoder: resolveModelPath(file, 'encoder_model_path', cfg.encoder_model_path!, modelName, o),
    decoder: resolveModelPath(file, 'decoder_model_path', cfg.decoder_model_path!, modelName, o)
  }
}
