/**
 * Whether the LoRA tier can run here: which Python to use (the `pythonPath` setting, else
 * TWINLIGHT_PYTHON, else /usr/bin/python3, else python3 on PATH) and what `model/lora_worker.py
 * --probe` says about torch and onnx in it. Probes are cached per interpreter for the session
 * (a changed path is probed afresh), so the status is cheap to ask for.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import type { LoraStatus } from '@shared/contract/methods/training'
import { appRoot } from '../../appInfo'

export type { LoraStatus }

export const PROBE_TIMEOUT_MS = 20_000

/** The worker script the app ships (model/, run by the discovered Python); TWINLIGHT_LORA_WORKER points at another (tests, a worker in development). */
export function loraWorkerScript(): string {
  return process.env.TWINLIGHT_LORA_WORKER ? resolve(process.env.TWINLIGHT_LORA_WORKER) : join(appRoot(), 'model', 'lora_worker.py')
}

/** The install line for torch + onnx: apt on Debian/Ubuntu, pip elsewhere. */
export function installLine(): string {
  return existsSync('/etc/debian_version')
    ? 'apt-get install -y --no-install-recommends python3-torch python3-onnx python3-numpy libopenblas0-pthread'
    : 'pip install torch onnx numpy'
}

export interface PythonChoice {
  python: string | null
  source: LoraStatus['source']
  /** Why no interpreter was found at the configured place. */
  missing?: string
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const p = join(dir, name)
    try {
      accessSync(p, constants.X_OK)
      if (statSync(p).isFile()) return p
    } catch {
      /* not here */
    }
  }
  return null
}

export function choosePython(setting: string | null): PythonChoice {
  if (setting) return existsSync(setting) ? { python: setting, source: 'settings' } : { python: null, source: 'settings', missing: `Python not found at ${setting} (the pythonPath setting)` }
  const env = process.env.TWINLIGHT_PYTHON
  if (env) {
    // A bare name (TWINLIGHT_PYTHON=python3.11) is looked up on PATH.
    const found = isAbsolute(env) || env.includes('/') ? (existsSync(env) ? env : null) : onPath(env)
    return found ? { python: found, source: 'env' } : { python: null, source: 'env', missing: `Python not found at ${env} (TWINLIGHT_PYTHON)` }
  }
  if (existsSync('/usr/bin/python3')) return { python: '/usr/bin/python3', source: 'default' }
  const found = onPath('python3')
  return found ? { python: found, source: 'default' } : { python: null, source: 'default', missing: 'Python not found: no /usr/bin/python3 and no python3 on PATH' }
}

interface ProbeAnswer {
  ok: boolean
  python?: string
  torch?: string
  onnx?: string
  cuda?: boolean
  device?: string
  deviceName?: string
  reason?: string
}

/** Runs `<python> <script> --probe` and reads its one JSON line. */
export function runProbe(python: string, script: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    let out = ''
    let err = ''
    let done = false
    const finish = (a: ProbeAnswer) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(a)
    }
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(python, [script, '--probe'], { stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (e) {
      resolve({ ok: false, reason: `${python} cannot be started (${(e as Error).message})` })
      return
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish({ ok: false, reason: `the probe (${python} ${script} --probe) timed out after ${Math.round(timeoutMs / 1000)} s` })
    }, timeoutMs)
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', (e) => finish({ ok: false, reason: `${python} cannot be started (${e.message})` }))
    child.on('close', (code) => {
      const line = out.split('\n').map((l) => l.trim()).filter(Boolean).pop()
      try {
        const a = JSON.parse(line ?? '') as ProbeAnswer
        if (typeof a.ok === 'boolean') return finish(a)
      } catch {
        /* not JSON */
      }
      const tail = err.trim().split('\n').slice(-3).join(' ').slice(0, 300)
      finish({ ok: false, reason: `${python} ${script} --probe exited with code ${code} without an answer${tail ? ` (${tail})` : ''}` })
    })
  })
}

/** Probe results per (python, script), for the session. */
export class PythonProbe {
  private readonly cache = new Map<string, Promise<ProbeAnswer>>()

  constructor(private readonly script: () => string = loraWorkerScript) {}

  async status(setting: string | null): Promise<LoraStatus> {
    const choice = choosePython(setting)
    const install = installLine()
    const base = { python: choice.python, source: choice.source }
    if (!choice.python) return { ...base, available: false, reason: `${choice.missing}.`, install }
    const script = this.script()
    if (!existsSync(script)) return { ...base, available: false, reason: `The LoRA worker script is missing: ${script}.`, install }
    if (!isAbsolute(choice.python) && !onPath(choice.python)) return { ...base, available: false, reason: `Python not found: ${choice.python}.`, install }
    const key = `${choice.python}\0${script}`
    let p = this.cache.get(key)
    if (!p) this.cache.set(key, (p = runProbe(choice.python, script)))
    const a = await p
    if (!a.ok) {
      const why = a.reason ?? 'unknown reason'
      const missing = /No module named/.test(why) ? `torch or onnx missing in ${choice.python}: "${why}"` : why
      return { ...base, available: false, reason: `${missing}.`.replace(/\.\.$/, '.'), install }
    }
    return {
      ...base,
      available: true,
      ...(a.torch ? { torch: a.torch } : {}),
      ...(a.onnx ? { onnx: a.onnx } : {}),
      device: a.cuda || a.device === 'cuda' ? 'cuda' : 'cpu',
      ...(a.deviceName ? { deviceName: a.deviceName } : {})
    }
  }

  /** Forgets every probe (a test, or after the user installed torch). */
  clear(): void {
    this.cache.clear()
  }
}

/** One line for `twinlight info` and logs. */
export function loraStatusLine(s: LoraStatus): string {
  return s.available
    ? `LoRA tier: available (python ${s.python}, torch ${s.torch ?? '?'}, ${s.device ?? 'cpu'})`
    : `LoRA tier: unavailable — ${s.reason?.replace(/\.$/, '') ?? 'unknown reason'}. Install: ${s.install}`
}
