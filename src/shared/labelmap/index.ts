export * from './rle'
export * from './components'
export * from './histogram'
export * from './wand'
