import { makeOut } from './output'
import { serveCommand } from './commands/serve'
import { infoCommand } from './commands/info'
import { importCommand } from './commands/import'
import { demoCommand } from './commands/demo'
import { exportCommand } from './commands/export'
import { prefillCommand } from './commands/prefill'
import { trainCommand } from './commands/train'
import { addModelCommand } from './commands/addModel'
import type { Command } from './command'

const commands: Command[] = [serveCommand, infoCommand, importCommand, exportCommand, demoCommand, prefillCommand, trainCommand, addModelCommand]

function help(): string {
  const lines = ['Twinlight — RGB-thermal segmentation labelling workstation', '', 'Usage: twinlight <command> [options]   (add --json for machine-readable output)', '', 'Commands:']
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`)
  lines.push('', 'Run `twinlight <command> --help` for the options of one command.')
  return lines.join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const args = argv.filter((a) => a !== '--json')
  const name = args[0]
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n')
    return name ? 0 : 2
  }
  const cmd = commands.find((c) => c.name === name)
  if (!cmd) {
    process.stderr.write(`twinlight: unknown command "${name}".\n\n${help()}\n`)
    return 2
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`)
    return 0
  }
  try {
    return await cmd.run(args.slice(1), json)
  } catch (e) {
    return makeOut(json).error(e)
  }
}
