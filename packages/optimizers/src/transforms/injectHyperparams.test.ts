import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { deserializeState, injectHyperparams, scale, serializeState, setHyperparam, sgd } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('injectHyperparams', () => {
  it('keeps hyperparameters in the state, changeable and saved with it', () => {
    const tx = injectHyperparams((h) => sgd({ learningRate: h.learningRate }), { learningRate: 0.5 })
    const p = { w: f64([0]) }
    let s = tx.init(p)
    let r = tx.update({ w: f64([1]) }, s, p)
    expect(vals(r.updates)).toEqual([[-0.5]])
    s = setHyperparam(r.state, 'learningRate', 0.25)
    s = deserializeState(serializeState(s))
    r = tx.update({ w: f64([1]) }, s, p)
    expect(vals(r.updates)).toEqual([[-0.25]])
    expect(r.state.hyperparams).toEqual({ learningRate: 0.25 })
    expect(() => setHyperparam(s, 'lr' as never, 1)).toThrow(
      'setHyperparam: unknown hyperparameter lr, expected one of learningRate',
    )
    expect(() => injectHyperparams(() => scale(1), { x: 'a' as never })).toThrow(
      'injectHyperparams: hyperparameter x must be a number or a schedule, got "a"',
    )
  })

  it('follows a schedule given for a hyperparameter', () => {
    const tx = injectHyperparams((h) => scale(h.factor), { factor: (k: number) => k + 1 })
    const g = { w: f64([1]) }
    const r1 = tx.update(g, tx.init(g))
    const r2 = tx.update(g, r1.state)
    expect([vals(r1.updates), vals(r2.updates)]).toEqual([[[1]], [[2]]])
  })
})
