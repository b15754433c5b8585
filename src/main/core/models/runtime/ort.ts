/**
 * Minimal ONNX Runtime session helper for model packages (CPU execution provider). Execution
 * provider choice (CUDA / DirectML / CoreML) belongs to the inference layer built on top of this.
 */
import * as ort from 'onnxruntime-node'
import { checkGraphMatchesManifest, ModelPackageError, type LoadedModelPackage } from '../package/packageLoader'

export interface SessionOptions {
  /** Intra-op threads; 1 keeps tests and parity deterministic. */
  threads?: number
}

/** Open the package's backbone on the CPU EP and verify it against the manifest. */
export async function openBackboneSession(pkg: LoadedModelPackage, opts: SessionOptions = {}): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(pkg.backbonePath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all'
    })
  } catch (e) {
    throw new ModelPackageError(pkg.manifest.name, `backbone "${pkg.manifest.parts.backbone}" could not be opened by ONNX Runtime: ${(e as Error).message}`)
  }
  try {
    checkGraphMatchesManifest(session, pkg.manifest)
  } catch (e) {
    await session.release()
    throw e
  }
  return session
}
