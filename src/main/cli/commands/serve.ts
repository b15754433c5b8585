import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { homedir } from 'node:os'
import type { Command } from '../command'
import { parse, intOption, str } from '../args'
import { defaultDataDir } from '../dataDir'
import { openSession } from '../session'
import { startServer } from '../../server/server'
import { appRoot } from '../../core/appInfo'
import { FolderRoots } from '../../core/datasets/folderRoots'

const usage = 'twinlight serve [--port N] [--project FILE] [--data-dir DIR] [--data-root DIR]...'

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app in browser mode on 127.0.0.1 (token in the printed URL).',
  usage,
  async run(argv, json) {
    const { values } = parse(argv, { port: { type: 'string' }, project: { type: 'string' }, 'data-dir': { type: 'string' }, 'data-root': { type: 'string', multiple: true } }, usage)
    // The page may read and write only inside the home folder, the --data-root folders and the
    // folder of the --project the operator named on the command line.
    const dataRoots = (values['data-root'] as unknown as string[] | undefined) ?? []
    const project = str(values, 'project')
    const projectRoot = project && existsSync(project) ? [dirname(resolve(project))] : []
    const s = openSession(str(values, 'data-dir') ?? defaultDataDir(), { folderRoots: new FolderRoots([homedir(), ...dataRoots, ...projectRoot]) })
    if (project) await s.call('openProject', { path: project })
    const srv = await startServer(s.ws, { port: intOption(str(values, 'port'), 'port', 0, 0, 65535), staticDir: join(appRoot(), 'out', 'renderer') })
    if (json) process.stdout.write(JSON.stringify({ url: srv.url, port: srv.port, token: srv.token }) + '\n')
    else process.stdout.write(`Twinlight browser mode: ${srv.url}\n`)
    const stop = async () => {
      await srv.close()
      await s.dispose()
      process.exit(0)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    await new Promise(() => {}) // serve until a signal arrives
    return 0
  }
}
