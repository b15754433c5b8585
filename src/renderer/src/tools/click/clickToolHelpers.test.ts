/** Click tool helpers: prepare-ahead order and whether the encoder source applies. */
import { describe, expect, it } from 'vitest'
import { nextInBrowserOrder, sourceApplies } from './clickToolHelpers'

describe('click tool store helpers', () => {
  it('the images after the current one in browser order, at most n', () => {
    const rows = [{ id: 7 }, { id: 3 }, { id: 9 }, { id: 4 }, { id: 1 }]
    expect(nextInBrowserOrder(rows, 3, 2)).toEqual([9, 4])
    expect(nextInBrowserOrder(rows, 1, 4)).toEqual([])
    expect(nextInBrowserOrder(rows, 42, 4)).toEqual([]) // not loaded in the browser: nothing guessed
  })

  it('the RGB/thermal/blend setting applies to an ONNX encoder, not to a model package', () => {
    const base = { name: 'm', format: 'sam2' as const, id: 'x', source: 'rgb' as const, decoder: 'd.onnx' }
    expect(sourceApplies({ ...base, encoder: '/models/sam2_encoder.onnx' })).toBe(true)
    expect(sourceApplies({ ...base, encoder: '/app/resources/models/tiny-sartm' })).toBe(false)
    expect(sourceApplies(null)).toBe(false)
  })
})
