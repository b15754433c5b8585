import { describe, expect, it } from 'vitest'
import { methods } from '@shared/contract'
import { choicesProblem, exportArgs, summaryOf, type ExportChoices } from './exportOptions'

const base: ExportChoices = { format: 'pst900', statuses: 'accepted', splits: ['train', 'test'], fmbLabels: 'shifted', dir: '  /data/out  ', overwrite: false }
const splits = ['train', 'test']

describe('export dialog options → startExport', () => {
  it('maps statuses, leaves out the split filter when every split is ticked and FMB labels unless FMB', () => {
    expect(exportArgs(base, splits)).toEqual({ dir: '/data/out', format: 'pst900', statuses: ['accepted'], overwrite: false })
    expect(exportArgs({ ...base, statuses: 'reviewed' }, splits).statuses).toEqual(['in_review', 'accepted'])
    expect(exportArgs({ ...base, statuses: 'all' }, splits).statuses).toEqual(['new', 'prefilled', 'in_review', 'accepted'])
    expect(exportArgs({ ...base, format: 'fmb', splits: ['test'], overwrite: true }, splits)).toEqual({ dir: '/data/out', format: 'fmb', statuses: ['accepted'], splits: ['test'], fmbLabels: 'shifted', overwrite: true })
  })

  it('the arguments pass the contract schema', () => {
    for (const c of [base, { ...base, format: 'fmb' as const, splits: ['train'] }, { ...base, format: 'coco' as const, statuses: 'all' as const }]) {
      expect(methods.startExport.args.safeParse(exportArgs(c, splits)).success).toBe(true)
    }
  })

  it('says what is missing before anything is sent', () => {
    expect(choicesProblem({ ...base, dir: '   ' }, splits)).toBe('Enter the folder to export into.')
    expect(choicesProblem({ ...base, splits: [] }, splits)).toBe('Tick at least one split to export.')
    expect(choicesProblem({ ...base, splits: [] }, [])).toBeNull()
    expect(choicesProblem(base, splits)).toBeNull()
  })

  it('summarises the job result, naming images left out', () => {
    expect(summaryOf({ target: '/o', exported: 3, files: 10, skipped: ['a', 'b'] })).toEqual({ target: '/o', exported: 3, files: 10, problems: ['2 chosen images have no labels yet and were left out: a, b.'] })
    expect(summaryOf({ target: '/o', exported: 1, files: 4, skipped: [] }).problems).toEqual([])
  })
})
