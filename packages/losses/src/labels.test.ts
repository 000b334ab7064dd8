import { Tensor, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { classTargets, requireLabels } from './labels.js'

describe('classTargets', () => {
  it('turns labels into one-hot rows with class weights and ignored samples', () => {
    const z = tensor(
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      { dtype: 'float64' },
    )
    const r = classTargets('f', z, tensor([2, -1, 0], { dtype: 'int32' }), {
      ignoreIndex: -1,
      classWeights: tensor([0.5, 1, 4]),
    })
    expect(r.labels).toBe(true)
    expect(r.probabilities.dtype).toBe('float64')
    // the ignored row gets class 0 and weight 0
    expect(r.probabilities.toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [1, 0, 0],
    ])
    expect(r.weights?.toArray()).toEqual([4, 0, 0.5])
  })

  it('gives labels their indices as read, and makes the one-hot rows once, when first read', () => {
    const r = classTargets('f', tensor([[0, 0, 0]]), tensor([1], { dtype: 'int32' }))
    expect(Object.keys(r)).toEqual(['probabilities', 'labels', 'indices', 'weights'])
    expect(r.indices?.dtype).toBe('int32')
    expect(r.indices?.toArray()).toEqual([1])
    expect(r.weights).toBeUndefined()
    const first = r.probabilities
    expect(first.dtype).toBe('float32')
    expect(first.toArray()).toEqual([[0, 1, 0]])
    expect(r.probabilities).toBe(first)
    expect({ ...r }.probabilities).toBe(first)
  })

  it('checks the labels on every call, reusing its copy of them only while they are unchanged', () => {
    const z = tensor([
      [0, 0, 0],
      [0, 0, 0],
    ])
    const raw = new Int32Array([2, 0])
    // a tensor over the caller's own array (the constructor copies nothing), written between calls
    const y = new Tensor(raw, [2], 'int32')
    const first = classTargets('f', z, y).indices!
    expect(first.toArray()).toEqual([2, 0])
    expect(classTargets('f', z, y).indices).toBe(first)
    raw[1] = 1
    const second = classTargets('f', z, y).indices!
    expect(second.toArray()).toEqual([2, 1])
    expect(first.toArray()).toEqual([2, 0]) // a copy handed out before keeps its values
    raw[0] = 3
    expect(() => classTargets('f', z, y)).toThrow('f: label 3 is out of range for 3 classes')
    raw[0] = -1
    expect(() => classTargets('f', z, y)).toThrow('f: label -1 is out of range for 3 classes')
    raw[0] = 2
    // a copy written into by its holder is not handed out again
    ;(second.data as Int32Array)[0] = 7
    expect(classTargets('f', z, y).indices!.toArray()).toEqual([2, 1])
    // the same array read with another shape: a copy of that shape
    const r = classTargets('f', tensor([[[0, 0, 0]], [[0, 0, 0]]]), new Tensor(raw, [2, 1], 'int32'))
    expect(r.indices!.shape).toEqual([2, 1])
    expect(r.indices!.toArray()).toEqual([[2], [1]])
    // fewer classes: the same labels are checked against the new count
    expect(() =>
      classTargets(
        'f',
        tensor([
          [0, 0],
          [0, 0],
        ]),
        y,
      ),
    ).toThrow('f: label 2 is out of range for 2 classes')
  })

  it('passes distributions through, weighting them by Σ_c w_c y_c', () => {
    const r = classTargets('f', tensor([[0, 0]]), tensor([[0.25, 0.75]]), { classWeights: tensor([4, 2]) })
    expect(r.labels).toBe(false)
    // 0.25·4 + 0.75·2 = 2.5
    expect(r.weights?.toArray()).toEqual([2.5])
    expect(classTargets('f', tensor([[0, 0]]), tensor([[0.25, 0.75]])).weights).toBeUndefined()
  })

  it('names bad labels and class weights', () => {
    expect(() => classTargets('f', tensor([[0, 0]]), tensor([[1.5, -0.5]]))).toThrow(
      'f: targets must be >= 0 (probabilities), got -0.5',
    )
    expect(() => classTargets('f', tensor([[0, 0]]), tensor([2], { dtype: 'int32' }))).toThrow(
      'f: label 2 is out of range for 2 classes',
    )
    expect(() => requireLabels('nll', tensor([1]))).toThrow('nll: targets must be int32 labels, got float32')
    expect(() => classTargets('f', tensor([[0, 0]]), tensor([[0, 1]]), { classWeights: tensor([[1, 2]]) })).toThrow(
      'f: classWeights must have shape [2], got [1,2]',
    )
    expect(() => classTargets('f', tensor([[0, 0]]), tensor([[0, 1]]), { classWeights: [1, 2] as never })).toThrow(
      'f: classWeights must be a Tensor, got [1,2]',
    )
  })
})
