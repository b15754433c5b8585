/**
 * importDataset: scan → load/validate each item (a few in parallel, delivered to the sink in
 * dataset order) → sink. Bad files become problems; good items go on. Abort via AbortSignal
 * (throws the signal's reason; the sink's transaction decides what to keep).
 */
import { validValueTable } from '@shared/formats/classes'
import type { DatasetFormat } from '@shared/formats/layouts'
import { scanDataset, type FolderPairsOptions } from './scan'
import type { ImportSink } from './sink'
import { DatasetFileError, type DatasetIndex, type DatasetProblem } from './types'
import { loadItem, type LoadContext, type LoadedItem } from './validate'

export interface ImportProgress {
  phase: 'scan' | 'load'
  done: number
  total: number
}

export interface ImportOptions {
  format?: DatasetFormat
  /** Labels become proposals to review instead of accepted ground truth. */
  asProposals?: boolean
  pairs?: FolderPairsOptions
  pst900ClassOrder?: 'official' | 'sartm'
  onProgress?: (p: ImportProgress) => void
  signal?: AbortSignal
  /** Items decoded at once (sharp decodes on libuv threads). Default 4. */
  concurrency?: number
  /** RGB/thermal pixel check, see LoadContext.pixelCheck. Default 'integrity'. */
  pixelCheck?: 'integrity' | 'decode'
}

export interface ImportResult {
  format: DatasetFormat
  imported: number
  problems: DatasetProblem[]
  index: DatasetIndex
}

/**
 * Runs `work` over `inputs` with limited concurrency and calls `emit` in input order.
 * Results are buffered only while an earlier item is still running.
 */
export async function orderedPool<I, O>(
  inputs: readonly I[], concurrency: number, work: (input: I, i: number) => Promise<O>,
  emit: (out: O, i: number) => void | Promise<void>, signal?: AbortSignal
): Promise<void> {
  const results = new Map<number, O>()
  let nextStart = 0
  let nextEmit = 0
  let failure: unknown
  const waiting = new Map<number, () => void>()
  async function worker(): Promise<void> {
    while (nextStart < inputs.length && failure === undefined) {
      if (signal?.aborted) { failure = signal.reason; break }
      const i = nextStart++
      try {
        results.set(i, await work(inputs[i], i))
      } catch (err) {
        failure ??= err
        break
      }
      waiting.get(i)?.()
    }
  }
  const workers = Array.from({ length: Math.max(1, concurrency) }, worker)
  const emitter = (async () => {
    while (nextEmit < inputs.length && failure === undefined) {
      if (!results.has(nextEmit)) {
        await new Promise<void>((r) => {
          waiting.set(nextEmit, r)
          // Also wake up when all workers stopped (failure/abort) so we do not wait forever.
          void Promise.all(workers).then(() => r())
        })
        waiting.delete(nextEmit)
        if (!results.has(nextEmit)) break
      }
      const out = results.get(nextEmit) as O
      results.delete(nextEmit)
      await emit(out, nextEmit)
      nextEmit++
    }
  })()
  await Promise.all(workers)
  await emitter
  if (failure !== undefined) throw failure
  if (signal?.aborted) throw signal.reason
}

export async function importDataset(dir: string, opts: ImportOptions, sink: ImportSink): Promise<ImportResult> {
  opts.signal?.throwIfAborted()
  opts.onProgress?.({ phase: 'scan', done: 0, total: 0 })
  const index = await scanDataset(dir, { format: opts.format, pairs: opts.pairs, pst900ClassOrder: opts.pst900ClassOrder })
  const problems: DatasetProblem[] = [...index.problems]
  // A folder without label maps (e.g. folder pairs with no label folder) brings no pixel that depends
  // on a class table: the layout's default table must not replace the project's own.
  if (index.items.some((i) => i.labelPath !== undefined)) await sink.setClasses(index.classes)
  await sink.setSplitFiles?.({ format: index.format, root: index.root, splitFiles: index.splitFiles })
  for (const p of index.problems) await sink.addProblem?.(p)
  const ctx: LoadContext = { root: index.root, classes: index.classes, validValues: validValueTable(index.classes), pixelCheck: opts.pixelCheck }
  const total = index.items.length
  let imported = 0
  let done = 0
  type Outcome = { ok: LoadedItem } | { problem: DatasetProblem }
  await orderedPool<(typeof index.items)[number], Outcome>(
    index.items,
    opts.concurrency ?? 4,
    async (item) => {
      try {
        return { ok: await loadItem(item, ctx) }
      } catch (err) {
        if (err instanceof DatasetFileError) return { problem: { file: err.file, reason: err.reason } }
        throw err
      }
    },
    async (out) => {
      if ('ok' in out) {
        const { item, contentHash, label } = out.ok
        await sink.addImage(
          {
            name: item.name, split: item.split, rgbPath: item.rgbPath, thermalPath: item.thermalPath,
            ...(item.thermalChannel !== undefined ? { thermalChannel: item.thermalChannel } : {}),
            ...(item.thermalRawPath ? { thermalRawPath: item.thermalRawPath } : {}),
            width: item.width, height: item.height, thermalBitDepth: item.thermalBitDepth, contentHash
          },
          label ? { ...label, asProposal: opts.asProposals === true } : undefined
        )
        imported++
      } else {
        problems.push(out.problem)
        await sink.addProblem?.(out.problem)
      }
      done++
      opts.onProgress?.({ phase: 'load', done, total })
    },
    opts.signal
  )
  return { format: index.format, imported, problems, index }
}

/** Scan + full validation without a sink: the index keeps only good items (sizes filled in). */
export async function indexDataset(dir: string, opts: Omit<ImportOptions, 'asProposals'> = {}): Promise<DatasetIndex> {
  const index = await scanDataset(dir, { format: opts.format, pairs: opts.pairs, pst900ClassOrder: opts.pst900ClassOrder })
  const ctx: LoadContext = { root: index.root, classes: index.classes, validValues: validValueTable(index.classes), pixelCheck: opts.pixelCheck }
  const items: DatasetIndex['items'] = []
  const problems = [...index.problems]
  await orderedPool(
    index.items, opts.concurrency ?? 4,
    (item) => loadItem(item, ctx).then((r) => r.item, (err: unknown) => {
      if (err instanceof DatasetFileError) return { file: err.file, reason: err.reason }
      throw err
    }),
    (out) => { if ('name' in out) items.push(out); else problems.push(out) },
    opts.signal
  )
  return { ...index, items, problems }
}
