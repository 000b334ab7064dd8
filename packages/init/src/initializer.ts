import { fail, string } from '@gd/check'
import { checkKey, prngKey, type PRNGKey, type Tensor } from '@gd/tensor'
import { floatDtype } from './internal/checks.js'

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

/**
 * Turns a key or a seed into a key, checking it; `op` names the caller in error messages.
 *
 * @throws Error `op: key must be a pair of uint32 (from prngKey or splitKey), got ...` or
 *   `op: seed must be a safe integer, got ...`.
 * @example
 * ```ts
 * import { resolveKey } from '@gd/init'
 * resolveKey('heNormalInit', 3) // [0, 3], the same as prngKey(3)
 * ```
 */
export function resolveKey(op: string, key: KeyOrSeed): PRNGKey {
  string('resolveKey', 'op', op)
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) fail(op, 'seed', 'a safe integer', key)
    return prngKey(key)
  }
  return checkKey(op, key)
}

/**
 * Validates an initializer's dtype option and returns it, float32 when absent.
 *
 * @throws Error `op: dtype must be "float32" or "float64", got "int32"`.
 * @example
 * ```ts
 * import { initDtype } from '@gd/init'
 * initDtype('heNormalInit', undefined) // 'float32'
 * ```
 */
export function initDtype<D extends InitDType>(op: string, dtype: D | undefined): D {
  return floatDtype(string('initDtype', 'op', op), 'dtype', dtype) as D
}
