/**
 * First `npm start`: the printed URL is open before the renderer is built. The server then answers a
 * small page (503) that says the UI is being built and reloads itself; once the build exists, the app.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { startServer, type RunningServer } from '../../src/main/server/server'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
let srv: RunningServer | null = null
afterEach(async () => {
  await srv?.close()
  srv = null
  await disposeTestWorkstations()
})

describe('while the UI is being built', () => {
  it('answers a self-reloading notice with 503, then the app once index.html exists', async () => {
    const dir = tmp()
    const staticDir = join(dir, 'out', 'renderer')
    srv = await startServer(testWorkstation(join(dir, 'data')), { port: 0, staticDir })
    const page = await fetch(srv.url)
    expect(page.status).toBe(503)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('retry-after')).toBe('2')
    const html = await page.text()
    expect(html).toMatch(/UI is being built/)
    expect(html).toMatch(/<meta http-equiv="refresh" content="2">/)

    mkdirSync(staticDir, { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="app"></div>')
    const app = await fetch(srv.url)
    expect(app.status).toBe(200)
    expect(await app.text()).toBe('<!doctype html><div id="app"></div>')
  })
})
