import type { Tensor } from '@gd/tensor'
import { tensorsIn, withScope } from '@gd/tensor/internal'
import { Var } from '../variable.js'

/** What each transform's released-tensor message advises. */
const ADVICE: Record<string, string> = {
  valueAndGrad: 'return it as aux (hasAux: true) to keep it',
  grad: 'return it as aux of valueAndGrad (hasAux: true) to keep it',
}

/**
 * For transforms that open no trace level of their own (`jvp`, `hvp`, `jacobian`, `hessian`): any Var in
 * their result belongs to an enclosing transform's trace.
 */
export const ANY_TRACE = (): number => -1

/**
 * Runs a transform's body inside a scope of @gd/tensor (see `withScope` in its `runtime/scope.ts`): the
 * float32 results made inside it live in the kernels' WebAssembly memory, and when it returns, what
 * `result` holds (tensors and the values of Vars, through plain objects and arrays) is kept and every
 * other tensor made inside is released into the pool. When the result holds a Var that an enclosing
 * transform traces (`outer` has one of its levels), that transform's tape may read anything made
 * here, so every block moves to the enclosing scope instead. @internal
 */
export function transformScope<T>(op: string, outer: () => number, fn: () => T): T {
  return withScope(op, fn, (result) => kept(result, outer()), {
    advice: ADVICE[op] ?? `compute it outside ${op} to keep it`,
  })
}

/** The tensors a result keeps, or 'all' when it holds a value an enclosing transform traces. */
function kept(result: unknown, outer: number): unknown {
  const out: Tensor[] = []
  let all = false
  // a Var stands for its value, unless an enclosing transform traces it (the walk's functions are passed inline, not
  // named: a source run through tsx renames each named closure with a defineProperty, here once a call)
  tensorsIn(
    result,
    (t) => out.push(t),
    (node) => {
      if (!(node instanceof Var)) return undefined
      if ((node.levels & outer) !== 0) all = true
      return all ? undefined : node.value
    },
  )
  return all ? 'all' : out
}
