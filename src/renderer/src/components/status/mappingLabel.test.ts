import { describe, expect, it } from 'vitest'
import { mappingLabel } from './mappingLabel'

describe('status bar mapping label', () => {
  it('says head: project classes for a head-tier version, even when the package classes differ', () => {
    expect(mappingLabel('head', { mapped: 0, total: 9 })).toBe('head: project classes')
  })
  it('shows the mapping count for adapter and base versions, nothing when the classes agree', () => {
    expect(mappingLabel('adapter', { mapped: 3, total: 9 })).toBe('mapping 3/9 classes')
    expect(mappingLabel(null, { mapped: 0, total: 9 })).toBe('mapping 0/9 classes')
    expect(mappingLabel(undefined, null)).toBeNull()
  })
})
