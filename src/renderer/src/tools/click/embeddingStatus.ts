/**
 * "Embedding ready" indicator for the prompt tool: on opening an image, ask main to prepare its
 * embedding and the next few in browser order, then follow the current image's state until it is
 * ready. Main pushes `prompt.embeddingReady` when an embedding is computed; the watcher listens for
 * it and keeps polling `getEmbeddingStatus` as a fallback, because an embedding read back from disk
 * emits nothing and a transport may miss an event (socket reconnecting).
 * Returns a stop function; call it when the image changes.
 */
import type { Api } from '@shared/contract'
import type { EmbeddingState } from '@shared/contract/methods/prompt'

export type EmbeddingApi = Pick<Api, 'prepareEmbeddings' | 'getEmbeddingStatus'> & Partial<Pick<Api, 'on'>>

export function watchEmbedding(
  api: EmbeddingApi,
  current: number,
  next: readonly number[],
  onState: (s: EmbeddingState | 'unavailable') => void,
  intervalMs = 250
): () => void {
  let stopped = false
  let ready = false
  let timer: ReturnType<typeof setTimeout> | null = null
  const becameReady = (): void => {
    if (stopped || ready) return
    ready = true
    if (timer) clearTimeout(timer)
    onState('ready')
  }
  const off = api.on?.('prompt.embeddingReady', (p) => {
    if (p.imageId === current) becameReady()
  })
  const poll = async (): Promise<void> => {
    if (stopped || ready) return
    try {
      const r = await api.getEmbeddingStatus({ imageId: current })
      if (stopped || ready) return
      if (r.state === 'ready') return becameReady()
      onState(r.state)
      timer = setTimeout(() => void poll(), intervalMs)
    } catch {
      if (!stopped) onState('unavailable')
    }
  }
  api
    .prepareEmbeddings({ imageIds: [current, ...next.filter((id) => id !== current)].slice(0, 64) })
    .then(() => poll())
    .catch(() => { if (!stopped) onState('unavailable') }) // no prompt model registered: the tool shows the wand only
  return () => {
    stopped = true
    off?.()
    if (timer) clearTimeout(timer)
  }
}
