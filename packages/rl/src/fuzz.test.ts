import * as api from '@gd/rl'
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
  cartPolePhysics: { exempt: 'a frozen object of constants' },
  thetaLimit: { exempt: 'a constant' },
  xLimit: { exempt: 'a constant' },
  maxSteps: { exempt: 'a constant' },
})
