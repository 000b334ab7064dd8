export * from './problems.js'
