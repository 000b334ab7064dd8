import { treeLeaves, type Tree } from '@gd/tensor'

/**
 * The number of scalar parameters in a model's parameter tree.
 *
 * @example
 * ```ts
 * import { parameterCount } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * parameterCount({ w: zeros([784, 10]), b: zeros([10]) }) // 7850
 * ```
 */
export function parameterCount(params: Tree): number {
  return treeLeaves(params).reduce((n, t) => n + t.size, 0)
}
