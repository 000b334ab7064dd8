import type { PRNGKey, Tensor } from '@gd/tensor'

/**
 * What every random initializer takes as its first argument: a key from `@gd/tensor`
 * (`prngKey`, `splitKey`, `foldIn`) or an integer seed, which stands for `prngKey(seed)`.
 * The same key or seed gives the same bits on every run and machine.
 */
export type KeyOrSeed = PRNGKey | number

/** The dtypes initializers produce. */
export type InitDType = 'float32' | 'float64'

/** Options every initializer accepts. */
export interface InitOptions<D extends InitDType = 'float32'> {
  /** `float32` (default) or `float64`. */
  dtype?: D | undefined
}

/**
 * The common shape of a random initializer once its options are fixed, for layers that take
 * one as a parameter: `(key, shape) → Tensor`.
 *
 * @example
 * ```ts
 * import { heNormalInit, type Initializer } from '@gd/init'
 * const kernelInit: Initializer = (key, shape) => heNormalInit(key, shape, { mode: 'fanOut' })
 * kernelInit(0, [64, 32]).shape // [64, 32]
 * ```
 */
export type Initializer<D extends InitDType = 'float32'> = (key: KeyOrSeed, shape: readonly number[]) => Tensor<D>
