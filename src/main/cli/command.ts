// The shape every CLI command has; its own file so commands need not import the CLI's index (a cycle).
export interface Command {
  name: string
  summary: string
  usage: string
  run(argv: string[], json: boolean): Promise<number>
}
