import { describe, expect, it } from 'vitest'
import { tensor, treeLeaves, type Tree } from '@gd/tensor'
import {
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByValue,
  masked,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  stepInPlace,
  trace,
  type GradientTransformation,
} from '../index.js'
import type { InPlaceTransformation } from './inPlace.js'

const vals = (t: Tree) => treeLeaves(t).map((l) => Array.from(l.data))

describe('chain', () => {
  it('runs the links in order on the previous updates', () => {
    // clip to [−1, 1], then ×3: [5, −0.5] → [1, −0.5] → [3, −1.5]
    const tx = chain(clipByValue({ maxAbs: 1 }), scale(3))
    const g = { w: tensor([5, -0.5]) }
    const r = tx.update(g, tx.init(g))
    expect(vals(r.updates)).toEqual([[3, -1.5]])
    expect(r.state).toEqual([{}, {}])
  })

  it("reuses its own scratch between links but never writes the caller's grads", () => {
    const tx = chain(scale(2), scale(3), scaleByLearningRate(1))
    const g = { w: tensor([1, 2]) }
    const first = tx.update(g, tx.init(g))
    expect(vals(first.updates)).toEqual([[-6, -12]])
    expect(vals(g)).toEqual([[1, 2]])
    // the returned updates are the caller's now: a second chain must not write into them
    const again = tx.update(first.updates, first.state)
    expect(vals(again.updates)).toEqual([[36, 72]])
    expect(vals(first.updates)).toEqual([[-6, -12]])
  })

  it("does not let a pass-through link hand the caller's tensors to a writing link", () => {
    const passThrough: GradientTransformation<null> = {
      init: () => null,
      update: (grads, state) => ({ updates: grads, state }),
    }
    const g = { w: tensor([1, 2]) }
    const tx = chain(passThrough, scale(10))
    const r = tx.update(g, tx.init(g))
    expect(vals(r.updates)).toEqual([[10, 20]])
    expect(vals(g)).toEqual([[1, 2]])
  })

  it('nests, and masked links see only their leaves', () => {
    const tx = chain(chain(scale(2)), masked(scale(0), { a: true, b: false }))
    const g = { a: tensor([1]), b: tensor([1]) }
    expect(vals(tx.update(g, tx.init(g)).updates)).toEqual([[0], [2]])
  })

  it("threads each link's state", () => {
    const tx = chain(trace({ momentum: 0.5 }), scaleByLearningRate(1))
    const g = { w: tensor([1]) }
    let s = tx.init(g)
    const out: number[][] = []
    for (let k = 0; k < 3; k++) {
      const r = tx.update(g, s)
      out.push(...vals(r.updates))
      s = r.state
    }
    // b: 1, 0.5·1 + 1 = 1.5, 0.5·1.5 + 1 = 1.75
    expect(out).toEqual([[-1], [-1.5], [-1.75]])
  })

  it('steps in place through elementwise links as update and applyUpdates would, and honours a replaced link', () => {
    // AdamW's first step from θ = [1, -2], g = [0.5, -1], λ = 0.5, η = 0.1: Adam's u = g/|g| = [1, -1],
    // u + λθ = [1.5, -2], θ − η(u + λθ) = [0.85, -1.8]
    const make = () => chain(scaleByAdam(), addDecayedWeights({ weightDecay: 0.5 }), scaleByLearningRate(0.1))
    const g = { w: tensor([0.5, -1]) }
    const fused = { w: tensor([1, -2]) }
    const tx = make()
    stepInPlace(tx, g, tx.init(fused), fused)
    const plain = { w: tensor([1, -2]) }
    const ref = make()
    const r = ref.update(g, ref.init(plain), plain)
    expect(vals(fused)).toEqual(vals(applyUpdates(plain, r.updates)))
    expect(vals(fused)[0]![0]).toBeCloseTo(0.85, 6)
    // a link whose update was replaced is run through it, not around it
    const adamLink = scaleByAdam() as InPlaceTransformation<unknown>
    const own = adamLink.update.bind(adamLink)
    let calls = 0
    adamLink.update = (grads, state, params, extra) => (calls++, own(grads, state, params, extra))
    const patched = chain(adamLink, addDecayedWeights({ weightDecay: 0.5 }), scaleByLearningRate(0.1))
    const p = { w: tensor([1, -2]) }
    stepInPlace(patched, g, patched.init(p), p)
    expect(calls).toBe(1)
    expect(vals(p)).toEqual(vals(fused))
  })

  it('rejects a state of the wrong shape', () => {
    const tx = chain(scale(1), scale(2))
    expect(() => tx.update({ w: tensor([1]) }, [{}])).toThrow(
      'chain: state must be an array of 2 link states, got an array of length 1',
    )
  })
})
