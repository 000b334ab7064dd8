export * from './problems.js'
export * from './optimizerConformance.js'
