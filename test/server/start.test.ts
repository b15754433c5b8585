import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

describe('npm start without an Electron binary', () => {
  it('says so in one line and serves browser mode on 127.0.0.1 with a token', async () => {
    const dir = tmp()
    // ELECTRON_OVERRIDE_DIST_PATH points at an empty folder: no binary, whatever this machine has.
    const child = spawn(process.execPath, [join('scripts', 'start.mjs'), '--port', '0', '--data-dir', join(dir, 'data')], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const started = Date.now()
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL after 60 s\n${out}\n${err}`)), 60_000)
      child.stdout.on('data', (d) => {
        out += d
        const m = /Twinlight browser mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
    })
    const seconds = (Date.now() - started) / 1000
    try {
      const lines = out.split('\n')
      expect(lines[0]).toBe('Electron binary not available (offline or not yet downloaded): starting browser mode instead.')
      expect(err).not.toMatch(/TypeError|fetch failed|at .*\(/) // no download stack trace
      const u = new URL(url)
      const info = await fetch(`${u.origin}/api/getAppInfo`, { method: 'POST', headers: { 'x-twinlight-token': u.searchParams.get('token')! } })
      expect(info.status).toBe(200)
      expect(((await info.json()) as { transport: string }).transport).toBe('http')
      console.log(`npm start printed the browser-mode URL after ${seconds.toFixed(1)} s`)
    } finally {
      child.kill('SIGTERM')
    }
  }, 90_000)
})
