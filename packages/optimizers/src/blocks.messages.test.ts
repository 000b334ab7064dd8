import { describe, expect, it } from 'vitest'
import {
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdam,
  scaleByAdamax,
  scaleByAmsgrad,
  scaleByBelief,
  scaleByLion,
  scaleByNadam,
  scaleByRadam,
  scaleByRms,
  scaleByRprop,
  scaleByTrustRatio,
  scaleByYogi,
  trace,
} from './index.js'

// Each building block validates its own options eagerly, naming itself.
describe('building blocks reject invalid options', () => {
  const cases: [() => unknown, string][] = [
    [() => scaleByAdam({ beta1: 1.2 }), 'scaleByAdam: beta1 must be in [0, 1), got 1.2'],
    [() => scaleByAdam({ epsRoot: -1 }), 'scaleByAdam: epsRoot must be >= 0, got -1'],
    [() => scaleByAmsgrad({ eps: 0 }), 'scaleByAmsgrad: eps must be > 0, got 0'],
    [() => scaleByAdamax({ beta2: 1 }), 'scaleByAdamax: beta2 must be in [0, 1), got 1'],
    [() => scaleByRms({ alpha: -0.1 }), 'scaleByRms: alpha must be in [0, 1), got -0.1'],
    [() => scaleByRms({ initialScale: -1 }), 'scaleByRms: initialScale must be >= 0, got -1'],
    [() => scaleByAdagrad({ eps: -1 }), 'scaleByAdagrad: eps must be > 0, got -1'],
    [() => scaleByAdadelta({ rho: 1.5 }), 'scaleByAdadelta: rho must be in [0, 1], got 1.5'],
    [() => scaleByRadam({ threshold: 4 }), 'scaleByRadam: threshold must be > 4, got 4'],
    [() => scaleByLion({ beta1: 1 }), 'scaleByLion: beta1 must be in [0, 1), got 1'],
    [() => scaleByBelief({ eps: 0 }), 'scaleByBelief: eps must be > 0, got 0'],
    [() => scaleByYogi({ initialAccumulatorValue: -1 }), 'scaleByYogi: initialAccumulatorValue must be >= 0, got -1'],
    [() => scaleByTrustRatio({ trustCoefficient: 0 }), 'scaleByTrustRatio: trustCoefficient must be > 0, got 0'],
    [() => scaleByNadam({ momentumDecay: -1 }), 'scaleByNadam: momentumDecay must be >= 0, got -1'],
    [() => scaleByRprop({ etaPlus: 1 }), 'scaleByRprop: etaPlus must be > 1, got 1'],
    [() => trace({ momentum: 1 }), 'trace: momentum must be in [0, 1), got 1'],
    [() => trace({ dampening: 2 }), 'trace: dampening must be in [0, 1], got 2'],
  ]
  for (const [make, message] of cases) it(message, () => expect(make).toThrow(message))
})
