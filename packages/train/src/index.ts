export * from './batchIndices.js'
export * from './dataset.js'
export * from './epochBatches.js'
export * from './metrics.js'
