import { ApiError, createApi, type Api, type Transport } from '@shared/contract'
import { createHttpTransport, takeToken } from './httpTransport'
import { createIpcTransport } from './ipcTransport'

/** Why the app cannot talk to main (browser mode opened without a token), or null. */
export let connectionProblem: string | null = null

function pickTransport(): Transport {
  if (window.twinlight) return createIpcTransport(window.twinlight)
  const token = takeToken()
  if (token) return createHttpTransport(token)
  connectionProblem = 'No access token in this page address. Open the full address printed in the terminal where Twinlight was started (it carries the token).'
  return {
    kind: 'http',
    call: () => Promise.reject(new ApiError('unauthorized', connectionProblem!)),
    subscribe: () => () => {},
    mediaUrl: (p) => p
  }
}

/** The renderer's one API object; it cannot tell (and does not care) which transport carries it. */
export const api: Api = createApi(pickTransport())
