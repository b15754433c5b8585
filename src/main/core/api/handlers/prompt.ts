import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { publicInfo, readPromptConfig } from '../../click/config'
import { embeddingState, prepareEmbeddings, promptSegment, setPromptSource, wandSelect } from '../../click/service'

/** Click tools (issue 8): thermal wand, prompt model registration, embedding cache, click/box masks. */
export function promptHandlers(
  ws: Workstation
): Pick<Handlers, 'wandSelect' | 'getPromptModel' | 'setPromptSource' | 'prepareEmbeddings' | 'getEmbeddingStatus' | 'promptSegment'> {
  return {
    wandSelect: (a) => wandSelect(ws, a),
    getPromptModel: () => {
      const cfg = readPromptConfig(ws.project)
      return cfg ? publicInfo(cfg) : null
    },
    setPromptSource: ({ source }) => publicInfo(setPromptSource(ws, source)),
    prepareEmbeddings: ({ imageIds }) => prepareEmbeddings(ws, imageIds),
    getEmbeddingStatus: ({ imageId }) => ({ imageId, state: embeddingState(ws, imageId) }),
    promptSegment: (a) => promptSegment(ws, a)
  }
}
