import type { BrowserWindowConstructorOptions } from 'electron'

/**
 * The renderer's security settings, in one place so the security test can assert them:
 * isolated context, OS sandbox, no Node in the page, no webview, web security on.
 */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false
  }
}

/** Only the app's own pages may load in the window (file:// in production, the dev server in dev). */
export function isAppUrl(url: string, devServerUrl: string | undefined): boolean {
  if (devServerUrl && url.startsWith(devServerUrl)) return true
  return url.startsWith('file://')
}

export const IPC_PREFIX = 'twinlight:'
export const EVENT_CHANNEL = 'twinlight:event'
