export * from './problems.js'
export * from './optimizerConformance.js'
export * from './closureConformance.js'
export * from './arbitraries.js'
