export * from './reduction.js'
