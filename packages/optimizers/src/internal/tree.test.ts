import { describe, expect, it } from 'vitest'
import { once, withFlatMemo } from './tree.js'

describe('once (a check and the step after it share one look at the same arguments)', () => {
  it('runs make every time outside withFlatMemo', () => {
    const owner = {}
    const args = [{}, 1]
    let runs = 0
    once(owner, args, () => runs++)
    once(owner, args, () => runs++)
    expect(runs).toBe(2)
  })

  it('inside withFlatMemo, gives the first value for the same owner and the same argument objects', () => {
    const owner = {}
    const tree = {}
    let runs = 0
    const values = withFlatMemo(() => [
      once(owner, [tree, 1], () => ++runs),
      once(owner, [tree, 1], () => ++runs), // the same objects: the first value
      once(owner, [{}, 1], () => ++runs), // another tree (equal, not the same): made again
      once({}, [{}, 1], () => ++runs), // another owner: made again
    ])
    expect(values).toEqual([1, 1, 2, 3])
    // the memo ends with the call: the next one makes the value again
    expect(withFlatMemo(() => once(owner, [tree, 1], () => ++runs))).toBe(4)
  })

  it('does not remember a make that threw', () => {
    const owner = {}
    const args = [{}]
    let runs = 0
    const got = withFlatMemo(() => {
      expect(() =>
        once(owner, args, () => {
          runs++
          throw new Error('no')
        }),
      ).toThrow('no')
      return once(owner, args, () => ++runs)
    })
    expect(got).toBe(2)
  })
})
