import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../../..')
const BIN = join(repoRoot, 'bin/twinlight')

export interface ServeHandle {
  /** The URL printed by the server, token included. */
  url: string
  origin: string
  token: string
  dataDir: string
  child: ChildProcess
  /** Everything the server printed (for failure messages). */
  log: () => string
  stop: () => Promise<void>
}

/** Runs a `bin/twinlight` sub-command to completion (e.g. `demo DIR`); throws with its output on failure. */
export async function runCli(args: string[], timeoutMs = 240_000): Promise<string> {
  if (!existsSync(BIN)) throw new Error(`${BIN} does not exist yet`)
  const child = spawn(process.execPath, [BIN, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((res, rej) => {
    const t = setTimeout(() => (child.kill('SIGKILL'), rej(new Error(`twinlight ${args.join(' ')} timed out:\n${out}`))), timeoutMs)
    child.on('exit', (c) => (clearTimeout(t), res(c)))
  })
  if (code !== 0) throw new Error(`twinlight ${args.join(' ')} exited ${code}:\n${out}`)
  return out
}

/**
 * Starts `bin/twinlight serve --port 0 --data-dir <tmp>` and waits for its one-line URL. Each test
 * gets its own server and data dir; `stop()` kills it and removes the data dir.
 */
export async function startServer(opts: { project?: string; dataDir?: string; timeoutMs?: number; dataRoots?: string[] } = {}): Promise<ServeHandle> {
  if (!existsSync(BIN)) throw new Error(`${BIN} does not exist yet (the browser-mode server is part of the foundation)`)
  const ownDir = !opts.dataDir
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'twinlight-e2e-'))
  // The tests' folders live under the OS temp folder: allow it as a data root (browser mode limits folder access).
  const args = [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--data-root', tmpdir(), ...(opts.dataRoots ?? []).flatMap((r) => ['--data-root', r]), ...(opts.project ? ['--project', opts.project] : [])]
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } })
  let log = ''
  child.stderr!.on('data', (d) => (log += d))
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server printed no URL within ${opts.timeoutMs ?? 30_000} ms:\n${log}`)), opts.timeoutMs ?? 30_000)
    child.stdout!.on('data', (d) => {
      log += d
      const m = /Twinlight browser mode: (http:\/\/\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        res(m[1])
      }
    })
    child.on('exit', (code) => (clearTimeout(timer), rej(new Error(`server exited (${code}) before printing its URL:\n${log}`))))
  })
  const u = new URL(url)
  const token = u.searchParams.get('token') ?? ''
  return {
    url,
    origin: u.origin,
    token,
    dataDir,
    child,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(t)
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
