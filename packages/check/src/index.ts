/**
 * @gd/check: the argument and option checks every @gd package shares. Private: each package's build
 * bundles what it uses, so nothing here is a published dependency. Every message reads
 * `<fn>: <what> must be <expected>, got <value>`.
 * @packageDocumentation
 */
export * from './show.js'
export * from './fail.js'
export * from './didYouMean.js'
export * from './checks.js'
export * from './range.js'
export * from './shape.js'
export * from './readOptions.js'
