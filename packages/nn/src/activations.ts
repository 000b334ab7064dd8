import * as AG from '@gd/autograd'
import { finite, integer } from '@gd/check'
import { described } from './internal/described.js'
import type { Layer } from './layer.js'

type NoParams = Layer<Record<string, never>>

/**
 * The activations and output units as parameter-free layers, for use in {@link sequential}.
 * Each wraps the differentiable function of the same name in @gd/autograd.
 *
 * @example
 * ```ts
 * import { linear, relu, sequential, softmax } from '@gd/nn'
 * const classifier = sequential(linear(784, 64), relu(), linear(64, 10), softmax())
 * ```
 */
export const relu = (): NoParams => described('relu', { kind: 'relu' }, (x) => AG.relu(x))

/**
 * Sigmoid layer: the Bernoulli output unit (pair it with binary cross-entropy, or better, feed the
 * logits to a loss that takes logits).
 * @example
 * ```ts
 * import { sigmoid } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * sigmoid().apply({}, tensor([0])).toArray() // [0.5]
 * ```
 */
export const sigmoid = (): NoParams => described('sigmoid', { kind: 'sigmoid' }, (x) => AG.sigmoid(x))

/**
 * tanh layer.
 * @example
 * ```ts
 * import { tanh } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * tanh().apply({}, tensor([0])).toArray() // [0]
 * ```
 */
export const tanh = (): NoParams => described('tanh', { kind: 'tanh' }, (x) => AG.tanh(x))

/**
 * Leaky relu layer with the given negative slope (default 0.01).
 * @example
 * ```ts
 * import { leakyRelu } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * leakyRelu(0.1).apply({}, tensor([-1])).toArray() // [-0.1]
 * ```
 */
export const leakyRelu = (slope = 0.01): NoParams => (
  finite('leakyRelu', 'slope', slope),
  described(`leakyRelu(${slope})`, { kind: 'leakyRelu', slope }, (x) => AG.leakyRelu(x, slope))
)

/**
 * ELU layer.
 * @example
 * ```ts
 * import { elu } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * elu().apply({}, tensor([1])).toArray() // [1]
 * ```
 */
export const elu = (alpha = 1): NoParams => (
  finite('elu', 'alpha', alpha),
  described(`elu(${alpha})`, { kind: 'elu', alpha }, (x) => AG.elu(x, alpha))
)

/**
 * GELU layer (tanh form).
 * @example
 * ```ts
 * import { gelu } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * gelu().apply({}, tensor([0])).toArray() // [0]
 * ```
 */
export const gelu = (): NoParams => described('gelu', { kind: 'gelu' }, (x) => AG.gelu(x))

/**
 * Softplus layer.
 * @example
 * ```ts
 * import { softplus } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * softplus().apply({}, tensor([0])).item() // 0.693…
 * ```
 */
export const softplus = (): NoParams => described('softplus', { kind: 'softplus' }, (x) => AG.softplus(x))

/**
 * Softmax layer over `axis` (default last): the multinoulli output unit. For training, prefer
 * feeding logits to a cross-entropy that takes logits.
 * @example
 * ```ts
 * import { softmax } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * softmax().apply({}, tensor([0, 0])).toArray() // [0.5, 0.5]
 * ```
 */
export const softmax = (axis = -1): NoParams => (
  integer('softmax', 'axis', axis),
  described('softmax', { kind: 'softmax', axis }, (x) => AG.softmax(x, axis))
)

/**
 * Log-softmax layer over `axis` (default last).
 * @example
 * ```ts
 * import { logSoftmax } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * logSoftmax().apply({}, tensor([0, 0])).toArray() // [-0.693…, -0.693…]
 * ```
 */
export const logSoftmax = (axis = -1): NoParams => (
  integer('logSoftmax', 'axis', axis),
  described('logSoftmax', { kind: 'logSoftmax', axis }, (x) => AG.logSoftmax(x, axis))
)
