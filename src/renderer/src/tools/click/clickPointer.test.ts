/** Click tool gestures: click vs drag (measured on screen), negative points, boxes only in prompt mode. */
import { describe, expect, it } from 'vitest'
import { boxBetween, gestureOf, isDrag, type Press } from './clickPointer'

const press = (negative = false): Press => ({ screen: { x: 100, y: 100 }, image: { x: 20.7, y: 30.2 }, negative })

describe('click tool gestures', () => {
  it('a release within a few screen pixels is a click at the pressed image pixel', () => {
    expect(gestureOf(press(), { screen: { x: 103, y: 101 }, image: { x: 21.9, y: 30.5 } }, 'prompt')).toEqual({ kind: 'click', x: 20, y: 30, negative: false })
    expect(isDrag(press(), { x: 103, y: 101 })).toBe(false)
  })

  it('a drag in prompt mode is a box with ordered corners; in wand mode it stays a click', () => {
    const release = { screen: { x: 40, y: 160 }, image: { x: 5.5, y: 44.9 } }
    expect(gestureOf(press(), release, 'prompt')).toEqual({ kind: 'box', box: { x0: 5, y0: 30, x1: 20, y1: 44 } })
    expect(gestureOf(press(), release, 'wand')).toEqual({ kind: 'click', x: 20, y: 30, negative: false })
  })

  it('shift / right button make a negative point, never a box', () => {
    expect(gestureOf(press(true), { screen: { x: 300, y: 300 }, image: { x: 60, y: 70 } }, 'prompt')).toEqual({ kind: 'click', x: 20, y: 30, negative: true })
  })

  it('boxBetween covers whole pixels whichever way the drag went', () => {
    expect(boxBetween({ x: 9.9, y: 2.1 }, { x: 1.2, y: 7.8 })).toEqual({ x0: 1, y0: 2, x1: 9, y1: 7 })
  })
})
