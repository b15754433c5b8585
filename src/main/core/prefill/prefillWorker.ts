/**
 * Worker-thread entry of the pre-fill stage pool (prefillPool.ts): runs prepareImage and
 * finishImage (prefillStages.ts) for the main thread so decoding, preprocessing and
 * post-processing overlap the model, which runs in its own worker (ortWorker.ts). Every big array
 * travels by transfer, both ways. Loaded through tsx from TypeScript sources and as the
 * `prefill-worker` entry of the electron-vite build (see workerEntry.ts).
 */
import { parentPort } from 'node:worker_threads'
import { finishImage, prepareImage, PreprocessorSet } from './prefillStages'
import { stageTransferList, type StageReply, type StageRequest } from './prefillProtocol'

const preprocessors = new PreprocessorSet()

async function handle(msg: StageRequest): Promise<StageReply> {
  if (msg.type === 'prepare') {
    try {
      const outcome = await prepareImage(preprocessors.get(msg.manifest), msg.source, msg.slot)
      return { id: msg.id, ok: true, type: 'prepare', outcome, slot: msg.slot }
    } catch (e) {
      return { id: msg.id, ok: false, error: String((e as Error)?.message ?? e), slot: msg.slot }
    }
  }
  try {
    const result = finishImage(msg.input)
    return { id: msg.id, ok: true, type: 'finish', result, logits: msg.input.logits }
  } catch (e) {
    return { id: msg.id, ok: false, error: String((e as Error)?.message ?? e) }
  }
}

const port = parentPort
if (port) {
  port.on('message', (msg: StageRequest) => {
    void handle(msg).then((reply) => port.postMessage(reply, stageTransferList(reply)))
  })
  // Loaded: the pool sends tasks (and their buffers) only from now on.
  port.postMessage({ ready: true })
}
