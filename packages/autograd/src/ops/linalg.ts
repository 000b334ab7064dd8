import { boolean, fail, readOptions, withDefault } from '@gd/check'
import * as T from '@gd/tensor'
import { formatList, matmulFlags } from '@gd/tensor/internal'
import { apply, type PrimitiveSpec } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'
import { mul } from './arithmetic.js'
import { reshape } from './shape.js'
import { sum } from './broadcast.js'

const matmulSpec = { transposeA: withDefault(boolean, false), transposeB: withDefault(boolean, false) }
const NO_TRANSPOSE = { transposeA: false, transposeB: false } as const

/**
 * Matrix product with batch dimensions and broadcasting, optionally with either operand transposed
 * (no transpose is materialized). 1-D operands act as in NumPy. Gradients, for C = A·B:
 * ∂A = G·Bᵀ and ∂B = Aᵀ·G, each itself a transposed matmul (and likewise for the transposed forms);
 * broadcast batch dimensions are summed back by the engine.
 * @example
 * ```ts
 * import { matmul } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray() // [[11]]
 * ```
 */
export function matmul(a: Input, b: Input, options?: T.MatmulOptions): Var {
  const x = toVar('matmul', a, 'float32', 'a')
  const y = toVar('matmul', b, 'float32', 'b')
  // no options (a layer's x·W): nothing to read
  options = options === undefined ? NO_TRANSPOSE : readOptions('matmul', options, matmulSpec)
  if (x.rank === 0 || y.rank === 0) {
    throw new Error(
      `matmul: operands must have rank >= 1, got shapes ${formatList(x.shape)} and ${formatList(y.shape)}`,
    )
  }
  if (x.rank === 1 || y.rank === 1) {
    // Promote vectors to matrices, multiply, and drop the added axes, as NumPy does.
    const x2 = x.rank === 1 ? reshape(x, [1, x.size]) : x
    const y2 = y.rank === 1 ? reshape(y, [y.size, 1]) : y
    const out = matmul2(x2, y2, x.rank > 1 && options.transposeA === true, y.rank > 1 && options.transposeB === true)
    const shape = [...out.shape]
    if (y.rank === 1) shape.pop()
    if (x.rank === 1) shape.splice(shape.length - (y.rank === 1 ? 1 : 2), 1)
    return reshape(out, shape)
  }
  return matmul2(x, y, options.transposeA === true, options.transposeB === true)
}

function matmul2(a: Var, b: Var, tA: boolean, tB: boolean): Var {
  return apply((products[(tA ? 2 : 0) + (tB ? 1 : 0)] ??= product(tA, tB)), [a, b])
}

/** The primitive of each transpose pair, made at its first use and kept: a product makes no closures per call. */
const products: (PrimitiveSpec | undefined)[] = []

function product(tA: boolean, tB: boolean): PrimitiveSpec {
  return {
    name: 'matmul',
    // the options were read once, by matmul above (or are the backward's own flags): not read again
    forward(x, y) {
      return matmulFlags(x, y, tA, tB)
    },
    // only the cotangents someone needs: a network's input is a constant, and its ∂A is the
    // largest product of the first layer's backward pass
    backward(g, [x, y], _out, [needA, needB]) {
      if (needB && !tA && x!.rank > 2 && y!.rank === 2) {
        // B is shared by every matrix of the batch: ∂B sums Aᵢᵀ·Gᵢ over them, which is one product of
        // the stacked rows, not a batch of products summed afterwards
        const gradB = tB ? matmul2(rows(g), rows(x!), true, false) : matmul2(rows(x!), rows(g), true, false)
        return [needA ? matmul2(g, y!, false, !tB) : null, gradB]
      }
      if (!tA && !tB) return [needA ? matmul2(g, y!, false, true) : null, needB ? matmul2(x!, g, true, false) : null]
      if (!tA && tB) return [needA ? matmul2(g, y!, false, false) : null, needB ? matmul2(g, x!, true, false) : null]
      if (tA && !tB) return [needA ? matmul2(y!, g, false, true) : null, needB ? matmul2(x!, g, false, false) : null]
      return [needA ? matmul2(y!, g, true, true) : null, needB ? matmul2(g, x!, true, true) : null]
    },
  }
}

/**
 * A dense layer's x·W + b in one primitive: one node on the tape instead of a product and a broadcast add, with
 * the same bits as `add(matmul(x, w), b)` in value and gradients (the same products and the same sums). x is
 * [..., in] with at least one leading (batch) axis, W is [in, out], b is [out] or absent (then it is
 * `matmul(x, w)`); all three of one float dtype. Gradients, for G = ∂y:
 * ∂x = G·Wᵀ, ∂W = xᵀ·G over the rows of every batch, ∂b = the column sums of G; each written with
 * differentiable ops (transposed matmuls and a sum), so gradients of gradients come as for the composition.
 *
 * @throws Error for inputs that are not tensors or Vars of one float dtype, or shapes that do not fit:
 *   `affine: w must be of shape [3, out] (x is [2,3]), got a float32 Tensor of shape [4,5]`.
 * @example
 * ```ts
 * import { affine } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * affine(tensor([[1, 2]]), tensor([[3], [4]]), tensor([0.5])).toArray() // [[11.5]]
 * ```
 */
export function affine(x: Input, w: Input, b?: Input): Var {
  const xv = toVar('affine', x, 'float32', 'x')
  const wv = toVar('affine', w, 'float32', 'w')
  const bv = b === undefined ? undefined : toVar('affine', b, 'float32', 'b')
  const dtype = xv.dtype
  if (dtype !== 'float32' && dtype !== 'float64') fail('affine', 'x', 'float32 or float64', xv.value)
  if (xv.rank < 2) fail('affine', 'x', 'of rank >= 2 ([..., in])', xv.value)
  const inner = xv.shape[xv.rank - 1]!
  if (wv.rank !== 2 || wv.shape[0] !== inner)
    fail('affine', 'w', `of shape [${inner}, out] (x is ${formatList(xv.shape)})`, wv.value)
  if (wv.dtype !== dtype) fail('affine', 'w', `${dtype} as x is`, wv.value)
  if (bv === undefined) return matmul2(xv, wv, false, false)
  const out = wv.shape[1]!
  if (bv.rank !== 1 || bv.shape[0] !== out)
    fail('affine', 'b', `of shape [${out}] (w is ${formatList(wv.shape)})`, bv.value)
  if (bv.dtype !== dtype) fail('affine', 'b', `${dtype} as x is`, bv.value)
  return apply(AFFINE, [xv, wv, bv])
}

const AFFINE: PrimitiveSpec = {
  name: 'affine',
  inputNames: ['x', 'w', 'b'],
  // (the inputs were checked by affine above: one float dtype, [..., in], [in, out] and [out])
  forward(x, w, b) {
    // (the bias add is @gd/tensor's, on its row-broadcast kernel: a JavaScript loop adding b into the product's
    // fresh result in place measured 30-60 us slower per layer of the MLP than that one Wasm call)
    return T.add(matmulFlags(x!, w!, false, false), b!)
  },
  backward(g, [x, w], _out, [needX, needW, needB]) {
    // as matmul's and the broadcast add's rules: ∂x = G·Wᵀ, ∂W = xᵀ·G with the batch's rows stacked, and ∂b is G
    // itself, which the engine sums over the leading axes as it sums every broadcast cotangent (one column-sum
    // reduction; leaving it to the engine keeps sum out of a bundle that only runs the forward)
    const gradW = needW ? (g.rank > 2 ? matmul2(rows(x!), rows(g), true, false) : matmul2(x!, g, true, false)) : null
    return [needX ? matmul2(g, w!, false, true) : null, gradW, needB ? g : null]
  },
}

/** The rows of every matrix of a batch stacked into one matrix: [..., r, c] → [(…·r), c]. */
function rows(v: Var): Var {
  const shape = v.shape
  let count = 1
  for (let i = 0; i < shape.length - 1; i++) count *= shape[i]!
  return reshape(v, [count, shape[shape.length - 1]!])
}

/**
 * Inner product of two vectors, composed as Σ a·b.
 * @example
 * ```ts
 * import { dot } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * dot(tensor([1, 2]), tensor([3, 4])).item() // 11
 * ```
 */
export function dot(a: Input, b: Input): Var {
  const x = toVar('dot', a, 'float32', 'a')
  const y = toVar('dot', b, 'float32', 'b')
  if (x.rank !== 1 || y.rank !== 1 || x.size !== y.size) {
    throw new Error(
      `dot: expected two vectors of one length, got shapes ${formatList(x.shape)} and ${formatList(y.shape)}`,
    )
  }
  return sum(mul(x, y))
}

/**
 * Outer product a bᵀ of two vectors, composed as a broadcast product.
 * @example
 * ```ts
 * import { outer } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * outer(tensor([1, 2]), tensor([3, 4])).toArray() // [[3, 4], [6, 8]]
 * ```
 */
export function outer(a: Input, b: Input): Var {
  const x = toVar('outer', a, 'float32', 'a')
  const y = toVar('outer', b, 'float32', 'b')
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]))
}
