export * from './batchIndices.js'
