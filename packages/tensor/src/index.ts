/**
 * The public face of `@gd/tensor`: what a user calls. Helpers that only @gd's own packages need (argument checks that
 * name the calling op, shape arithmetic, the sliding-window geometry, the raw Threefry bits) are in
 * `@gd/tensor/internal` (src/internal.ts); the opt-in threaded gemm is `@gd/tensor/threads`.
 * @module
 */
// The tensor and its element types
export { Tensor, tensor, type CreateOptions, type NestedArray } from './tensor.js'
export { dtypes, promoteTypes, type DType, type Storage, type StorageOf } from './dtype.js'
export { MAX_ELEMENTS, type Shape } from './shape.js'
export type { TensorLike } from './elementwise.js'

// Creation
export { arange, cast, eye, full, fullLike, linspace, ones, onesLike, scalar, zeros, zerosLike } from './creation.js'

// Elementwise
export {
  add,
  div,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  notEqual,
  pow,
  reluGrad,
  sub,
} from './binary.js'
export {
  abs,
  cos,
  exp,
  expm1,
  floor,
  isFinite,
  isNaN,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  relu,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './unary.js'
export { clip, where } from './select.js'

// Reductions
export {
  argmax,
  argmin,
  logSumExp,
  max,
  mean,
  min,
  norm,
  prod,
  std,
  sum,
  variance,
  type ArgOptions,
  type NormOptions,
  type ReduceOptions,
  type VarianceOptions,
} from './reduce.js'

// Shapes, views, joins and indexing
export { broadcastTo, contiguous, expandDims, flatten, matrixTranspose, reshape, squeeze, transpose } from './view.js'
export { concat, split, stack, tile } from './join.js'
export { flip, pad, slice } from './slice.js'
export { gather, oneHot, scatterAdd } from './gather.js'
export { scatterAddAlongAxis, takeAlongAxis } from './takeAlongAxis.js'
export { tril, triu } from './triangular.js'

// Linear algebra, convolution and pooling
export { dot, matmul, outer, type FloatDType, type MatmulOptions } from './matmul.js'
export { conv2d, conv2dBackwardFilter, conv2dBackwardInput, type Conv2dOptions } from './conv2d.js'
export { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, type Pool2dOptions } from './pool.js'
export type { Padding2d, Size2d, Window2dOptions } from './window2d.js'

// Random numbers
export { foldIn, prngKey, splitKey, type PRNGKey, type PRNGKeys } from './rng.js'
export {
  normal,
  truncatedNormal,
  uniform,
  type NormalOptions,
  type TruncatedNormalOptions,
  type UniformOptions,
} from './random.js'
export { bernoulli, permutation, randint, shuffle, type BernoulliOptions } from './randomDiscrete.js'
export { categorical, multinomial, type CategoricalOptions, type MultinomialOptions } from './randomCategorical.js'

// Trees of tensors
export { mapStructure, treeLeaves, treeMap, type Tree } from './tree.js'

// Kernels, WebAssembly and its memory
export {
  fusedKernels,
  initWasm,
  kernelBackend,
  kernels,
  resetKernels,
  useKernels,
  useWasm,
  type Conv2dKernel,
  type Conv2dShape,
  type FloatArray,
  type FusedKernels,
  type Kernels,
} from './seam.js'
export { toWasmMemory } from './wasmMemory.js'
export { memoryStats, type MemoryStats } from './memoryStats.js'
