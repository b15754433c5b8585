import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

export interface ServerProc {
  child: ChildProcess
  port: number
  token: string
  call<T = unknown>(method: string, args?: unknown): Promise<{ status: number; body: T }>
}

/** Starts `twinlight serve` in a child process and waits for its URL line. */
export async function startServerProcess(project: string, dataDir: string, env: Record<string, string> = {}): Promise<ServerProc> {
  const bin = join(process.cwd(), 'bin', 'twinlight')
  // The tests' datasets and export targets live under the OS temp folder: allow it (browser mode limits folder access).
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--project', project, '--data-dir', dataDir, '--data-root', tmpdir(), '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${err}`)), 30_000)
    child.stdout!.on('data', (d) => {
      out += d
      const nl = out.indexOf('\n')
      if (nl >= 0) {
        clearTimeout(timer)
        resolve(out.slice(0, nl))
      }
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before starting: ${err}`)))
  })
  const { port, token } = JSON.parse(line) as { port: number; token: string }
  return {
    child,
    port,
    token,
    async call<T>(method: string, args: unknown = {}) {
      const r = await fetch(`http://127.0.0.1:${port}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twinlight-token': token }, body: JSON.stringify(args) })
      return { status: r.status, body: (await r.json()) as T }
    }
  }
}

export function kill9(p: ServerProc): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve()
    p.child.once('exit', () => resolve())
    p.child.kill('SIGKILL')
  })
}
