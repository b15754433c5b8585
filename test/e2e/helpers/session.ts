import { after, before } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './server'
import { launchBrowser, newPage } from './browser'

export interface ServedSession {
  dir: string
  srv: ServeHandle
  browser: Browser
  page: Page
  /** Console errors and page crashes seen so far. */
  errors: string[]
}

/**
 * Registers the before/after hooks most e2e suites share: a temp folder, the project `prepare`
 * builds in it (or none: the server starts without a project), a browser-mode server on it and a
 * chromium page. The returned object is filled in by the before hook; after closes and removes all.
 */
export function servedSession(prefix: string, prepare: (dir: string) => Promise<string | undefined>): ServedSession {
  const s = {} as ServedSession
  before(async () => {
    s.dir = mkdtempSync(join(tmpdir(), prefix))
    const project = await prepare(s.dir)
    s.srv = await startServer(project ? { project } : {})
    s.browser = await launchBrowser()
    ;({ page: s.page, errors: s.errors } = await newPage(s.browser))
  })
  after(async () => {
    await s.browser?.close()
    await s.srv?.stop()
    if (s.dir) rmSync(s.dir, { recursive: true, force: true })
  })
  return s
}
