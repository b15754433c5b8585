/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** Result envelope of the preload bridge: errors cross IPC as plain data, never as thrown objects. */
type TwinlightIpcResult = { ok: true; result: unknown } | { ok: false; error: import('@shared/contract/errors').ApiErrorBody }

interface TwinlightBridge {
  call(method: string, args: unknown): Promise<TwinlightIpcResult>
  onEvent(listener: (event: string, payload: unknown) => void): () => void
  /** The native folder dialog (Electron only); null when cancelled. */
  pickFolder?(title?: string): Promise<string | null>
  readonly mediaScheme: string
  /** Native helpers (Electron only; see src/renderer/src/lib/native.ts). */
  pickExportFolder?(): Promise<string | null>
  showInFolder?(path: string): Promise<boolean>
  pathForFile?(file: File): string
}

interface Window {
  /** Present only inside Electron (exposed by the preload); absent in browser mode. */
  twinlight?: TwinlightBridge
}
