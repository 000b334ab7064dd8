import type { Tensor } from '@gd/tensor'
import type { Var } from './variable.js'

/**
 * A tree as a differentiated function sees it: every tensor leaf becomes a {@link Var}. Typing the
 * function's parameters this way makes a raw @gd/tensor op on them a type error.
 *
 * @example
 * ```ts
 * import type { Traced } from '@gd/autograd'
 * import type { Tensor } from '@gd/tensor'
 * type P = Traced<{ w: Tensor; b: Tensor }> // { w: Var; b: Var }
 * ```
 */
export type Traced<T> = T extends Tensor
  ? Var
  : T extends Var
    ? Var
    : T extends readonly unknown[]
      ? { [K in keyof T]: Traced<T[K]> }
      : T extends object
        ? { [K in keyof T]: Traced<T[K]> }
        : T

/**
 * A tree whose tensor leaves may each be a {@link Tensor} or a {@link Var}: how a layer or a loss
 * takes parameters that are plain outside a transform and traced inside one. `Plain` of it is the
 * tensor tree again, so `grad((p: MaybeTraced<P>) => …)(params)` returns a `P`.
 *
 * @example
 * ```ts
 * import type { MaybeTraced } from '@gd/autograd'
 * import type { Tensor } from '@gd/tensor'
 * type P = MaybeTraced<{ w: Tensor; b?: Tensor }> // { w: Tensor | Var; b?: Tensor | Var }
 * ```
 */
export type MaybeTraced<T> = T extends Tensor | Var
  ? Tensor | Var
  : T extends readonly unknown[]
    ? { [K in keyof T]: MaybeTraced<T[K]> }
    : T extends object
      ? { [K in keyof T]: MaybeTraced<T[K]> }
      : T

/** Argument lists with every tensor leaf traced. */
export type TracedArgs<A extends readonly unknown[]> = { [K in keyof A]: Traced<A[K]> }

/**
 * The plain counterpart of a traced tree: every {@link Var} leaf becomes a {@link Tensor}. A
 * transform of `f: (p: { w: Var }) => Var` takes and returns `{ w: Tensor }`.
 *
 * @example
 * ```ts
 * import type { Plain, Var } from '@gd/autograd'
 * type P = Plain<{ w: Var; layers: Var[] }> // { w: Tensor; layers: Tensor[] }
 * ```
 */
export type Plain<T> = T extends Var
  ? Tensor
  : T extends Tensor
    ? Tensor
    : T extends readonly unknown[]
      ? { [K in keyof T]: Plain<T[K]> }
      : T extends object
        ? { [K in keyof T]: Plain<T[K]> }
        : T

/** Argument lists with every traced leaf made plain. */
export type PlainArgs<A extends readonly unknown[]> = { [K in keyof A]: Plain<A[K]> }
