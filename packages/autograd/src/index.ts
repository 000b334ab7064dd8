export * from './numericalGradient.js'
