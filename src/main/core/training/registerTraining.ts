/**
 * Registers the `train` job kind and sends each run to its tier: the adapter (trainJob.ts) or the
 * head (head/headJob.ts) or the Python LoRA worker (lora/loraJob.ts). Its own file so the tiers do not import each other.
 */
import type { Workstation } from '../workstation'
import { runTraining, type OutputsFactory, type TrainParams } from './trainJob'
import { runHeadTraining } from './head/headJob'
import { runLoraTraining } from './lora/loraJob'

/** `outputs` binds the model layer (tests pass synthetic sources). */
export function registerTrainingJob(ws: Workstation, outputs: OutputsFactory): void {
  ws.jobs.register<TrainParams>('train', (ctx) => {
    const tier = ctx.params?.tier
    return tier === 'head' ? runHeadTraining(ws, ctx, outputs) : tier === 'lora' ? runLoraTraining(ws, ctx, outputs) : runTraining(ws, ctx, outputs)
  })
}
