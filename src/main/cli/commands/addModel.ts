import type { Command } from '../command'
import { parse, str } from '../args'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { promptSource } from '@shared/contract/methods/prompt'
import { ProjectStore } from '../../core/store/projectStore'
import { registerPromptModel } from '../../core/click/register'

const usage =
  'twinlight add-model <project.twinlight> (--sam-encoder E.onnx --sam-decoder D.onnx | --folder DIR) [--name NAME] [--source rgb|thermal|blend] [--json]'

export const addModelCommand: Command = {
  name: 'add-model',
  summary: 'Register a SAM/SAM2 prompt model (encoder + decoder ONNX, or a model package with a prompt decoder) for click-to-segment.',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(
      argv,
      { 'sam-encoder': { type: 'string' }, 'sam-decoder': { type: 'string' }, folder: { type: 'string' }, name: { type: 'string' }, source: { type: 'string' } },
      usage
    )
    if (positionals.length !== 1 && !(positionals.length === 2 && !values.folder)) throw new ApiError('invalid_argument', `add-model needs one project file.\nUsage: ${usage}`)
    // `add-model P DIR` is accepted as a shorthand for --folder DIR
    const folder = str(values, 'folder') ?? positionals[1]
    const src = str(values, 'source')
    const parsed = src === undefined ? undefined : promptSource.safeParse(src)
    if (parsed && !parsed.success) throw new ApiError('invalid_argument', `--source must be rgb, thermal or blend (got "${src}").\nUsage: ${usage}`)
    const encoder = str(values, 'sam-encoder')
    const decoder = str(values, 'sam-decoder')
    if (!folder && (!encoder || !decoder)) throw new ApiError('invalid_argument', `Give --sam-encoder and --sam-decoder, or --folder.\nUsage: ${usage}`)
    const store = ProjectStore.open(positionals[0]!)
    try {
      const name = str(values, 'name')
      const cfg = await registerPromptModel(store, {
        ...(folder ? { folder } : { encoder: encoder!, decoder: decoder! }),
        ...(name ? { name } : {}),
        ...(parsed?.success ? { source: parsed.data } : {})
      })
      makeOut(json).print(
        `Registered prompt model "${cfg.name}" (${cfg.format === 'sam' ? 'SAM' : 'SAM2'} interface${cfg.kind === 'package' ? ', model package' : ''}, id ${cfg.id}) in ${store.path}; encoder sees ${cfg.source}.`,
        { project: store.path, promptModel: cfg }
      )
      return 0
    } finally {
      store.close()
    }
  }
}
