import { ApiError, type Transport } from '@shared/contract'

/** Electron: the preload's `window.twinlight` bridge carries calls and events; media use a custom scheme. */
export function createIpcTransport(bridge: TwinlightBridge): Transport {
  return {
    kind: 'ipc',
    async call(method, args) {
      const r = await bridge.call(method, args ?? {})
      if (r.ok) return r.result
      throw ApiError.fromBody(r.error)
    },
    subscribe(listener) {
      return bridge.onEvent(listener)
    },
    mediaUrl(path) {
      return `${bridge.mediaScheme}://app${path}`
    }
  }
}
