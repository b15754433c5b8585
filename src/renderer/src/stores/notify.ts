import { defineStore } from 'pinia'
import { ApiError } from '@shared/contract'

export interface Toast {
  id: number
  kind: 'error' | 'info'
  title: string
  detail?: string
  /** Optional action button (e.g. "Retry" for a failed save). */
  action?: { label: string; run: () => void }
  sticky: boolean
}

let nextId = 1

/** Error and info toasts: every ApiError a user action hits lands here with its code and message. */
export const useNotify = defineStore('notify', {
  state: () => ({ toasts: [] as Toast[] }),
  actions: {
    push(t: Omit<Toast, 'id' | 'sticky'> & { sticky?: boolean }): number {
      const id = nextId++
      this.toasts.push({ sticky: t.kind === 'error', ...t, id })
      if (!(t.sticky ?? t.kind === 'error')) setTimeout(() => this.dismiss(id), 4000)
      return id
    },
    info(title: string, detail?: string) {
      return this.push({ kind: 'info', title, detail })
    },
    /** Shows what went wrong in words; typed API errors keep their code and argument issues. */
    error(context: string, err: unknown, action?: Toast['action']) {
      let detail: string
      if (err instanceof ApiError) {
        detail = err.message + (err.issues?.length ? ' — ' + err.issues.map((i) => `${i.path || '(args)'}: ${i.message}`).join('; ') : '') + ` [${err.code}]`
      } else detail = err instanceof Error ? err.message : String(err)
      return this.push({ kind: 'error', title: context, detail, action })
    },
    dismiss(id: number) {
      this.toasts = this.toasts.filter((t) => t.id !== id)
    }
  }
})
