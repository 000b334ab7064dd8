import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import { partition, scale, sgd } from '../index.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))
const f64 = (xs: number[]) => tensor(xs, { dtype: 'float64' })

describe('partition', () => {
  it('partition gives each labelled group its own transform and state', () => {
    const tx = partition({ fast: sgd({ learningRate: 1 }), frozen: scale(0) }, { w: 'fast', extra: ['frozen', 'fast'] })
    const p = { w: f64([1]), extra: [f64([2]), f64([3])] }
    const r = tx.update({ w: f64([1]), extra: [f64([1]), f64([1])] }, tx.init(p), p)
    expect(vals(r.updates)).toEqual([[-1], [0], [-1]])
    expect(() => partition({ a: scale(1) }, 'b').init(p)).toThrow(
      'partition: no transform for label "b", expected one of a',
    )
    expect(() => tx.update({ w: f64([1]) }, r.state, p)).toThrow(
      'partition: grads.extra[0] is missing, the state has a leaf there',
    )
    expect(() => partition({ a: scale(1) }, { w: 'a' }).init(p)).toThrow(
      'partition: labels does not match the parameters at .extra: expected a label or a subtree, got undefined',
    )
  })
})
