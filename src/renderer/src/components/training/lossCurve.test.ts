import { describe, expect, it } from 'vitest'
import { curvePoints, delta } from './lossCurve'

describe('fine-tune panel helpers', () => {
  it('maps the loss curve into the box (steps to x, loss to y from the top) and formats IoU differences', () => {
    const pts = curvePoints([{ step: 0, loss: 2 }, { step: 50, loss: 1 }, { step: 100, loss: 0.5 }], 100, 104, 54, 2)
    expect(pts).toBe('2.0,2.0 52.0,27.0 102.0,39.5')
    expect(curvePoints([], 10, 100, 50)).toBe('')
    expect(delta(0.5, 0.625)).toBe('+0.1250')
    expect(delta(0.5, 0.25)).toBe('−0.2500')
    expect(delta(null, 0.1)).toBe('—')
  })
})
