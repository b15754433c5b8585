/**
 * Model package loading: manifest.json validated against @shared/modelPackage, the ONNX parts
 * located on disk, and the graph's inputs/outputs checked against the manifest once a session is
 * open. Every failure is a ModelPackageError whose message names the package and the problem.
 * Sessions themselves are opened elsewhere (ort.ts); this file never runs a model.
 */
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, isAbsolute, join, normalize, resolve } from 'node:path'
import { ModelPackageError, parseManifest, type ModelManifest, type TensorSpec } from '@shared/modelPackage'

export { ModelPackageError }

export interface LoadedModelPackage {
  manifest: ModelManifest
  /** Absolute folder of the package. */
  dir: string
  /** Folder name, used in messages when the manifest cannot be read. */
  packageName: string
  backbonePath: string
  promptDecoderPath?: string
  /** parity/parity.json when the package ships a parity fixture. */
  parityPath?: string
}

function partPath(dir: string, rel: string, field: string, pkg: string): string {
  const n = normalize(rel)
  if (isAbsolute(rel) || n.startsWith('..')) throw new ModelPackageError(pkg, `manifest.json field "${field}" must be a path inside the package, got "${rel}"`)
  const p = join(dir, n)
  if (!existsSync(p) || !statSync(p).isFile()) throw new ModelPackageError(pkg, `${field}: file "${rel}" is missing (expected at ${p})`)
  return p
}

/** Read and validate a package folder. Does not open ONNX sessions. */
export async function loadModelPackage(dirIn: string): Promise<LoadedModelPackage> {
  const dir = resolve(dirIn)
  const folderName = basename(dir)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelPackageError(folderName, `package folder not found: ${dir}`)
  const manifestPath = join(dir, 'manifest.json')
  if (!existsSync(manifestPath)) throw new ModelPackageError(folderName, `manifest.json is missing in ${dir}`)
  let json: unknown
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'))
  } catch (e) {
    throw new ModelPackageError(folderName, `manifest.json is not valid JSON: ${(e as Error).message}`)
  }
  const declared = typeof json === 'object' && json !== null && typeof (json as { name?: unknown }).name === 'string'
    ? (json as { name: string }).name : folderName
  const manifest = parseManifest(json, declared)
  const pkg = manifest.name
  const out: LoadedModelPackage = {
    manifest, dir, packageName: pkg,
    backbonePath: partPath(dir, manifest.parts.backbone, 'parts.backbone', pkg)
  }
  if (manifest.parts.promptDecoder) out.promptDecoderPath = partPath(dir, manifest.parts.promptDecoder.file, 'parts.promptDecoder.file', pkg)
  if (manifest.parity) out.parityPath = partPath(dir, manifest.parity, 'parity', pkg)
  return out
}

/** The part of an onnxruntime InferenceSession this check reads (ORT >= 1.22 exposes metadata). */
export interface GraphSignature {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  readonly inputMetadata?: readonly GraphValueMetadata[]
  readonly outputMetadata?: readonly GraphValueMetadata[]
}
export interface GraphValueMetadata {
  readonly name: string
  readonly isTensor: boolean
  readonly type?: string
  readonly shape?: readonly (number | string)[]
}

function checkTensor(kind: 'input' | 'output', key: string, spec: TensorSpec, names: readonly string[],
  meta: readonly GraphValueMetadata[] | undefined, problems: string[]): void {
  if (!names.includes(spec.name)) {
    problems.push(`graph has no ${kind} "${spec.name}" (manifest tensors.${kind}s.${key}); graph ${kind}s: ${names.join(', ') || 'none'}`)
    return
  }
  const m = meta?.find((v) => v.name === spec.name)
  if (!m) return
  if (m.type && m.type !== 'float32') problems.push(`${kind} "${spec.name}" is ${m.type}, expected float32`)
  if (!m.shape) return
  // Symbolic (string) or unknown (-1) graph dimensions accept any manifest value.
  const ok = m.shape.length === spec.shape.length && m.shape.every((d, i) => typeof d !== 'number' || d < 0 || d === spec.shape[i])
  if (!ok) problems.push(`${kind} "${spec.name}" has shape [${m.shape.join(',')}] in the graph but [${spec.shape.join(',')}] in the manifest (tensors.${kind}s.${key}.shape)`)
}

/** Throw a ModelPackageError when the graph's tensor names or static shapes disagree with the manifest. */
export function checkGraphMatchesManifest(session: GraphSignature, manifest: ModelManifest, part = 'backbone'): void {
  const problems: string[] = []
  const { inputs, outputs } = manifest.tensors
  checkTensor('input', 'rgb', inputs.rgb, session.inputNames, session.inputMetadata, problems)
  checkTensor('input', 'thermal', inputs.thermal, session.inputNames, session.inputMetadata, problems)
  checkTensor('output', 'logits', outputs.logits, session.outputNames, session.outputMetadata, problems)
  checkTensor('output', 'features', outputs.features, session.outputNames, session.outputMetadata, problems)
  for (const [i, t] of (outputs.extra ?? []).entries()) checkTensor('output', `extra[${i}]`, t, session.outputNames, session.outputMetadata, problems)
  const expected = new Set([inputs.rgb.name, inputs.thermal.name])
  const extraInputs = session.inputNames.filter((n) => !expected.has(n))
  if (extraInputs.length) problems.push(`graph needs inputs the manifest does not describe: ${extraInputs.join(', ')}`)
  if (problems.length) throw new ModelPackageError(manifest.name, `${part} graph does not match manifest.json: ${problems.join('; ')}`)
}
