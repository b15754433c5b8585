import { describe, expect, it } from 'vitest'
import { trendSeries } from './trendPlot'

describe('correction trend series', () => {
  it('plots model versions in order as percent, leaves a gap where none was accepted, and drops the "no model" row', () => {
    const s = trendSeries([
      { versionId: 1, name: 'base', active: false, images: 2, meanCorrectedShare: 0.15 },
      { versionId: 2, name: 'ft-1', active: false, images: 0, meanCorrectedShare: null },
      { versionId: 3, name: 'ft-2', active: true, images: 4, meanCorrectedShare: 0.025 },
      { versionId: null, name: 'no model', active: false, images: 1, meanCorrectedShare: 0.5 }
    ])
    expect(s.versions.map((v) => v.name)).toEqual(['base', 'ft-1', 'ft-2'])
    expect(s.data).toEqual([[0, 1, 2], [15, null, 2.5]])
  })
})
