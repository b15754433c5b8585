import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Workstation } from '../../workstation'
import type { ProjectStore } from '../../store/projectStore'
import { appRoot } from '../../appInfo'
import { classPreset } from '../../classPresets'
import { writeSyntheticDataset } from '../synthetic/writeDataset'
import { writePst900Dataset } from '../synthetic/writePst900'
import { runImport } from './importJob'
import { readPromptConfig } from '../../click/config'
import { registerPromptModel } from '../../click/register'

export const TINY_MODEL_DIR = (): string => join(appRoot(), 'resources', 'models', 'tiny-sartm')
export const DEMO_SEED = 2026
export const DEMO_COUNT = 48
/** Synthetic scene families: MFNet-class streets, or PST900-class indoor/underground scenes. */
export const DEMO_FAMILIES = ['street', 'pst900'] as const
export type DemoFamily = (typeof DEMO_FAMILIES)[number]

/** The demo needs the embedded tiny model; the dataset is generated on first use. */
export function demoStatus(): { available: boolean; reason: string } {
  if (!existsSync(join(TINY_MODEL_DIR(), 'manifest.json'))) return { available: false, reason: 'The embedded tiny model is not in resources/models/tiny-sartm.' }
  return { available: true, reason: 'Synthetic RGB-T street scenes with the embedded tiny SARTM-family model.' }
}

/**
 * Generates the demo dataset (synthetic MFNet layout, day and night) into `dir/dataset` and a
 * project `dir/demo.twinlight` holding its images as `new` (labels stay in the dataset folder as
 * ground truth for evaluation): the annotator's starting point before a pre-fill. The embedded
 * package is its prompt model (click-to-segment). Family pst900 writes PST900-layout indoor scenes
 * into `dir/dataset-pst900` and a project `dir/demo-pst900.twinlight` with PST900's classes.
 */
export async function createDemo(ws: Workstation, dir: string, opts: { count?: number; seed?: number; family?: DemoFamily; onProgress?: (done: number, total: number) => void } = {}): Promise<ProjectStore> {
  const pst = opts.family === 'pst900'
  const path = join(dir, pst ? 'demo-pst900.twinlight' : 'demo.twinlight')
  const dataset = join(dir, pst ? 'dataset-pst900' : 'dataset')
  const gen = { count: opts.count ?? DEMO_COUNT, seed: opts.seed ?? DEMO_SEED, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) }
  mkdirSync(dir, { recursive: true })
  if (pst && !existsSync(dataset)) {
    // PST900's layout has no index file to write last, so generate aside and rename when complete.
    const partial = `${dataset}.partial`
    rmSync(partial, { recursive: true, force: true })
    await writePst900Dataset(partial, { ...gen, width: 1280, height: 720 })
    renameSync(partial, dataset)
  } else if (!pst && !existsSync(join(dataset, 'train.txt'))) {
    rmSync(dataset, { recursive: true, force: true })
    await writeSyntheticDataset(dataset, { ...gen, width: 640, height: 480 })
  }
  const title = pst ? 'Demo (synthetic RGB-T indoor, PST900 classes)' : 'Demo (synthetic RGB-T streets)'
  const store = existsSync(path) ? await ws.openProject(path) : await ws.createProject(path, title, classPreset(pst ? 'pst900' : 'mfnet'))
  const signal = new AbortController().signal
  await runImport(ws, { params: { dir: dataset, format: pst ? 'pst900' : 'mfnet', asProposals: false, withoutLabels: true }, signal, progress: () => {} })
  // Click-to-segment works out of the box here: the embedded package's own prompt decoder.
  if (!readPromptConfig(store)) await registerPromptModel(store, { folder: TINY_MODEL_DIR() })
  return store
}

export async function openDemoProject(ws: Workstation): Promise<ProjectStore> {
  return createDemo(ws, join(ws.opts.dataDir, 'demo'))
}
