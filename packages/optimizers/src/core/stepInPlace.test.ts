import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from '@gd/tensor'
import { adam, applyUpdates, clipByGlobalNorm, chain, sgd, stepInPlace } from '../index.js'

describe('stepInPlace', () => {
  it('writes the step into the parameters and matches update + applyUpdates', () => {
    for (const opt of [
      adam({ learningRate: 0.1 }),
      sgd({ learningRate: 0.1, momentum: 0.9 }),
      chain(clipByGlobalNorm({ maxNorm: 1 }), sgd({ learningRate: 0.1 })),
    ]) {
      const owned = { w: tensor([1, -2, 3], { dtype: 'float64' }) }
      let pure: { w: Tensor } = { w: tensor([1, -2, 3], { dtype: 'float64' }) }
      let so = opt.init(owned)
      let sp = opt.init(pure)
      for (let k = 0; k < 3; k++) {
        const g = { w: tensor([0.5, k, -1], { dtype: 'float64' }) }
        so = stepInPlace(opt, g, so, owned)
        const r = opt.update(g, sp, pure)
        pure = applyUpdates(pure, r.updates)
        sp = r.state
      }
      Array.from(owned.w.data).forEach((v, i) => expect(v).toBeCloseTo(pure.w.data[i]!, 12))
    }
  })

  it('rejects non-contiguous parameters', () => {
    const view = new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2], 'float32', [1, 2])
    expect(() => stepInPlace(sgd(), { w: view }, sgd().init({ w: view }), { w: view })).toThrow(
      'stepInPlace: parameters must be contiguous tensors, got shape [2,2] strides [1,2]',
    )
  })
})
