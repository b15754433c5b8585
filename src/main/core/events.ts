import type { EventName, EventPayload } from '@shared/contract/events'

export type EventListener = (event: EventName, payload: unknown) => void

/** Fan-out of pushed events to every transport (IPC windows, WebSocket clients, CLI printers). */
export class EventHub {
  private readonly listeners = new Set<EventListener>()

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload)
      } catch (e) {
        // A broken listener (a closed socket) must never break the job that emitted.
        console.warn(`twinlight: event listener failed on ${event}: ${(e as Error).message}`)
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
