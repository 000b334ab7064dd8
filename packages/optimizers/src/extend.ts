// @gd/optimizers/extend: what a custom transform or optimizer is built from, beyond the public face
// (@gd/optimizers). Option rules and the reader that checks options, per-leaf helpers, the
// elementwise builder and the optional in-place interface that `chain` and `stepInPlace` fuse.
// See the extending guide (apps/docs/guide/extending.md).

// The optional fused path and pre-write check a transform may implement
export * from './core/inPlace.js'
export * from './core/elementwise.js'
export { outputFor } from './core/chain.js'
export { addInPlace } from './core/stepInPlace.js'

// Options: rules, ranges and the reader
export * from './core/options.js'
export { adamOptionRules } from './optimizers/adam.js'
export { adamDefaults, adamRules } from './transforms/scaleByAdam.js'

// Per-leaf helpers: float data, state buffers, masks
export * from './core/leaves.js'
export { maskLeaves, prefixLeaves } from './core/mask.js'
export { scaleTree } from './transforms/scale.js'

// Weight decay bodies that named optimizers build their links from
export { decayAll, decayTransform, weightDecayTransform } from './transforms/addDecayedWeights.js'
export { coupledL2 } from './transforms/addL2.js'
