import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { ImageRow, ImageStatus } from '@shared/contract'
import { api } from '../api'
import { useNotify } from './notify'

export type Sort = 'name' | 'confidence_asc' | 'confidence_desc' | 'status' | 'uncertainty'
export type ThumbMode = 'rgb' | 'thermal' | 'blend'
const PAGE = 200

/**
 * The image browser's query and a sparse page cache: the grid asks for the rows it shows, pages
 * of 200 are fetched on demand, so 100k images cost only what is on screen.
 */
export const useBrowser = defineStore('browser', {
  state: () => ({
    status: [] as ImageStatus[],
    split: '' as string,
    classPresent: null as number | null,
    sort: 'name' as Sort,
    thumbMode: 'rgb' as ThumbMode,
    total: 0,
    loaded: false,
    /** Bumped on every query change; responses of an older generation are dropped. */
    generation: 0,
    /** offset/PAGE → rows (raw: not deeply reactive, replaced as a whole). */
    pages: markRaw(new Map<number, ImageRow[]>()) as Map<number, ImageRow[]>,
    pagesVersion: 0,
    selectedId: null as number | null
  }),
  getters: {
    filter(s) {
      return {
        ...(s.status.length ? { status: [...s.status] } : {}),
        ...(s.split ? { split: [s.split] } : {}),
        ...(s.classPresent !== null ? { classPresent: s.classPresent } : {})
      }
    }
  },
  actions: {
    async reload() {
      this.generation++
      this.pages = markRaw(new Map())
      this.pagesVersion++
      await this.fetchPage(0)
    },
    rowAt(index: number): ImageRow | undefined {
      void this.pagesVersion // dependency for the grid's render
      return this.pages.get(Math.floor(index / PAGE))?.[index % PAGE]
    },
    /** Makes sure rows [from, to) are loaded (or loading). */
    ensure(from: number, to: number) {
      for (let p = Math.floor(from / PAGE); p <= Math.floor(Math.max(from, to - 1) / PAGE); p++) if (!this.pages.has(p)) void this.fetchPage(p)
    },
    async fetchPage(p: number) {
      const gen = this.generation
      this.pages.set(p, []) // marks it in flight
      try {
        const page = await api.listImages({ offset: p * PAGE, limit: PAGE, filter: this.filter, sort: this.sort })
        if (gen !== this.generation) return
        this.pages.set(p, page.items)
        this.total = page.total
        this.loaded = true
        this.pagesVersion++
      } catch (e) {
        this.pages.delete(p)
        if (gen === this.generation) useNotify().error('Could not list images', e)
      }
    },
    /** Updates a row in place after an image changed (status badge), without refetching. */
    patchRow(id: number, status: ImageStatus) {
      for (const rows of this.pages.values()) {
        const r = rows.find((x) => x.id === id)
        if (r) {
          r.status = status
          this.pagesVersion++
        }
      }
    }
  }
})
