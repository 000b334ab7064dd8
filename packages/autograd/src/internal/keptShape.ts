import * as T from '@gd/tensor'
import type { Var } from '../variable.js'

/** The shape a reduction keeps with keepdims, for broadcasting its cotangent back. */
export function keptShape(op: string, x: Var, options: T.ReduceOptions): number[] {
  const axes = T.normalizeAxes(op, options.axis, x.rank)
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
}
