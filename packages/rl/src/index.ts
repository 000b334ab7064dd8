export * from './cartPole.js'
export * from './environment.js'
