import { describe, expect, test } from 'vitest'
import { ApiError, createApi } from '@shared/contract'
import { createIpcTransport } from './ipcTransport'

describe('IPC transport (preload bridge shape)', () => {
  const calls: Array<[string, unknown]> = []
  let emit: ((event: string, payload: unknown) => void) | null = null
  const bridge: TwinlightBridge = {
    mediaScheme: 'twinlight-media',
    async call(method, args) {
      calls.push([method, args])
      if (method === 'openProject') return { ok: false, error: { code: 'not_found', message: '/x.twinlight does not exist.' } }
      return { ok: true, result: { version: '9.9.9' } }
    },
    onEvent(listener) {
      emit = listener
      return () => (emit = null)
    }
  }
  const api = createApi(createIpcTransport(bridge))

  test('results come back unwrapped; missing args are sent as {}', async () => {
    expect(await api.getAppInfo()).toEqual({ version: '9.9.9' })
    expect(calls[0]).toEqual(['getAppInfo', {}])
  })

  test('the LoRA tier methods are on the api object (typed from the contract)', async () => {
    const status: { available: boolean } = await api.getLoraStatus()
    expect(status).toBeDefined()
    await api.setPythonPath({ path: null })
    await api.startTraining({ tier: 'lora', python: '/usr/bin/python3' })
    expect(calls.slice(-3).map((c) => c[0])).toEqual(['getLoraStatus', 'setPythonPath', 'startTraining'])
  })

  test('errors become typed ApiErrors with their code', async () => {
    const err = await api.openProject({ path: '/x.twinlight' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('not_found')
  })

  test('events reach listeners by name; media use the custom scheme', () => {
    const got: unknown[] = []
    const off = api.on('image.changed', (p) => got.push(p))
    emit!('image.changed', { imageId: 3, status: 'accepted' })
    emit!('project.changed', { path: null })
    off()
    emit!('image.changed', { imageId: 4, status: 'new' })
    expect(got).toEqual([{ imageId: 3, status: 'accepted' }])
    expect(api.mediaUrl('/media/rgb/3')).toBe('twinlight-media://app/media/rgb/3')
    expect(api.transport).toBe('ipc')
  })
})
