/**
 * "Embedding ready" indicator for the prompt tool: on opening an image, ask main to prepare its
 * embedding and the next few in browser order, then poll the current image's state until it is
 * ready (main pushes no event for it). Returns a stop function; call it when the image changes.
 */
import type { Api } from '@shared/contract'
import type { EmbeddingState } from '@shared/contract/methods/prompt'

export function watchEmbedding(
  api: Pick<Api, 'prepareEmbeddings' | 'getEmbeddingStatus'>,
  current: number,
  next: readonly number[],
  onState: (s: EmbeddingState | 'unavailable') => void,
  intervalMs = 250
): () => void {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | null = null
  const poll = async (): Promise<void> => {
    if (stopped) return
    try {
      const r = await api.getEmbeddingStatus({ imageId: current })
      if (stopped) return
      onState(r.state)
      if (r.state !== 'ready') timer = setTimeout(() => void poll(), intervalMs)
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
    if (timer) clearTimeout(timer)
  }
}
