export * from './parameterCount.js'
