import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Workstation } from '../workstation'
import type { ProjectStore } from '../store/projectStore'
import { appRoot } from '../appInfo'
import { classPreset } from '../classPresets'
import { writeSyntheticDataset } from '../datasets/synthetic/write-dataset'
import { runImport } from './importJob'
import { readPromptConfig } from '../prompt/config'
import { registerPromptModel } from '../prompt/register'

export const TINY_MODEL_DIR = (): string => join(appRoot(), 'resources', 'models', 'tiny-sartm')
export const DEMO_SEED = 2026
export const DEMO_COUNT = 48

/** The demo needs the embedded tiny model; the dataset is generated on first use. */
export function demoStatus(): { available: boolean; reason: string } {
  if (!existsSync(join(TINY_MODEL_DIR(), 'manifest.json'))) return { available: false, reason: 'The embedded tiny model is not in resources/models/tiny-sartm.' }
  return { available: true, reason: 'Synthetic RGB-T street scenes with the embedded tiny SARTM-family model.' }
}

/**
 * Generates the demo dataset (synthetic MFNet layout, day and night) into `dir/dataset` and a
 * project `dir/demo.twinlight` holding its images as `new` (labels stay in the dataset folder as
 * ground truth for evaluation): the annotator's starting point before a pre-fill. The embedded
 * package is its prompt model (click-to-segment).
 */
export async function createDemo(ws: Workstation, dir: string, opts: { count?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<ProjectStore> {
  const path = join(dir, 'demo.twinlight')
  const dataset = join(dir, 'dataset')
  mkdirSync(dir, { recursive: true })
  if (!existsSync(join(dataset, 'train.txt'))) {
    rmSync(dataset, { recursive: true, force: true })
    await writeSyntheticDataset(dataset, { count: opts.count ?? DEMO_COUNT, seed: opts.seed ?? DEMO_SEED, width: 640, height: 480, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) })
  }
  const store = existsSync(path) ? await ws.openProject(path) : await ws.createProject(path, 'Demo (synthetic RGB-T streets)', classPreset('mfnet'))
  const signal = new AbortController().signal
  await runImport(ws, { params: { dir: dataset, format: 'mfnet', asProposals: false, withoutLabels: true }, signal, progress: () => {} })
  // Click-to-segment works out of the box here: the embedded package's own prompt decoder.
  if (!readPromptConfig(store)) await registerPromptModel(store, { folder: TINY_MODEL_DIR() })
  return store
}

export async function openDemoProject(ws: Workstation): Promise<ProjectStore> {
  return createDemo(ws, join(ws.opts.dataDir, 'demo'))
}
