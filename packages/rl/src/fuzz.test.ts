import * as api from '@gd/rl'
import { tensor } from '@gd/tensor'
// @gd/rl does not list @gd/testing; its tests reach it by its entry, as @gd/schedules' do.
import { fuzzSuite } from '../../testing/src/index.js'

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/rl', api, {
  cartPole: [
    { args: () => [3], then: (env: api.CartPole) => [env.reset(), env.step(1)] },
    { args: () => [[0, 3]], then: (env: api.CartPole) => env.reset() },
    {
      label: 'cartPole(…).step(action)',
      args: () => [0],
      call: (action) => {
        const env = api.cartPole(1)
        env.reset()
        return env.step(action).observation
      },
    },
  ],
  discountedReturns: [{ args: () => [[1, 0.5, 2], 0.9] }, { args: () => [Float32Array.from([1, 1]), 1] }],
  standardize: [{ args: () => [[1, 2, 6]] }, { args: () => [Float64Array.from([3, -1])] }],
  policyGradientLoss: [
    {
      args: () => [
        tensor([
          [0.1, -0.3],
          [1.2, 0.4],
          [0, 0],
        ]),
        tensor([1, 0, 1], { dtype: 'int32' }),
        tensor([0.5, -1, 2]),
      ],
    },
    {
      args: () => [
        tensor(
          [
            [0.1, -0.3, 2],
            [1.2, 0.4, 0],
          ],
          { dtype: 'float64' },
        ),
        [2, 0],
        [0.5, -1],
      ],
    },
  ],
  cartPolePhysics: { exempt: 'a frozen object of constants' },
  thetaLimit: { exempt: 'a constant' },
  xLimit: { exempt: 'a constant' },
  maxSteps: { exempt: 'a constant' },
})
