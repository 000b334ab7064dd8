export * from './applyUpdates.js'
