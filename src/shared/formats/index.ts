export * from './classes'
export * from './layouts'
