import { axes, boolean, optional, readOptions, withDefault, type Check } from '@gd/check'
import type { ReduceOptions } from '@gd/tensor'
import { isInput, toVar, type Input } from '../variable.js'

/** A Tensor, a Var or a number; `<fn>: <name> must be a Tensor, a Var or a number, got …` otherwise. @internal */
export const input: Check<Input> = (fn, name, x) => (isInput(x) ? x : (toVar(fn, x as never, 'float32', name) as never))

/** A value another check (in @gd/tensor) validates when it is used; only its name is checked here. @internal */
export const checkedLater: Check<never> = (_fn, _key, value) => value as never

const specs: ReturnType<typeof makeReduceSpec>[] = []
const makeReduceSpec = (rank: number) => ({ axis: optional(axes(rank)), keepdims: withDefault(boolean, false) })

/** The checks of the reduction options `axis` and `keepdims` for a tensor of rank `rank` (made once per rank). @internal */
export const reduceSpec = (rank: number) => (specs[rank] ??= makeReduceSpec(rank))

/** Reads `{ axis, keepdims }` of a reduction of a tensor of rank `rank`. @internal */
export function reduceOptions(fn: string, options: unknown, rank: number): ReduceOptions & { keepdims: boolean } {
  const o = readOptions(fn, options, reduceSpec(rank))
  return o.axis === undefined ? { keepdims: o.keepdims } : { axis: o.axis, keepdims: o.keepdims }
}

/** The input names of a one-input op. @internal */
export const X: readonly string[] = ['x']
/** The input names of a two-input op. @internal */
export const AB: readonly string[] = ['a', 'b']
