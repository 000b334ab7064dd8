import * as api from '@gd/init'
import { fuzzSuite, type FuzzCall } from '@gd/testing'

/** A random initializer's row: key, shape and options (dtype first, then its own). */
const random = (options: Record<string, unknown>, shape = [4, 3]): FuzzCall => ({
  args: () => [0, [...shape], { dtype: 'float32', ...options }],
  options: [2],
})

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/init', api, {
  calculateGain: { args: () => ['leakyRelu', { negativeSlope: 0.2 }], options: [1] },
  constantInit: { args: () => [[2, 3], 0.1, { dtype: 'float64' }], options: [2] },
  zerosInit: { args: () => [[3], { dtype: 'float64' }], options: [1] },
  onesInit: { args: () => [[2], { dtype: 'float64' }], options: [1] },
  diracInit: { args: () => [[2, 2, 3, 3], { dtype: 'float32', groups: 1 }], options: [1] },
  computeFans: { args: () => [[64, 3, 5, 5]] },
  heNormalInit: random({ mode: 'fanOut', nonlinearity: 'leakyRelu', negativeSlope: 0.2 }),
  heUniformInit: random({ mode: 'fanIn', nonlinearity: 'relu' }),
  identityInit: { args: () => [[2, 3], { dtype: 'float32', gain: 2 }], options: [1] },
  lecunNormalInit: random({}),
  lecunUniformInit: random({}),
  orthogonalInit: random({ gain: 2 }),
  uniformInit: random({ low: -0.1, high: 0.1 }),
  normalInit: random({ mean: 0.5, std: 0.02 }),
  truncatedNormalInit: random({ mean: 0, std: 0.02, lower: -0.04, upper: 0.04 }),
  varianceScalingInit: random({ scale: 2, mode: 'fanIn', distribution: 'normal' }),
  xavierUniformInit: random({ gain: 1 }),
  xavierNormalInit: random({ gain: api.calculateGain('tanh') }),
})
