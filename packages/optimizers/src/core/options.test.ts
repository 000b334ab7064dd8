import { describe, expect, it } from 'vitest'
import { type Hyper } from '../index.js'
import {
  booleanRule,
  closedUnit,
  describeRange,
  hyperRule,
  hyperAt,
  inRange,
  nonNegative,
  numberRule,
  positive,
  positiveInteger,
  resolveOptions,
  unitInterval,
} from '../extend.js'

describe('resolveOptions', () => {
  interface Opts {
    learningRate?: Hyper
    beta1?: number
    nesterov?: boolean
  }
  const rules = { learningRate: hyperRule(nonNegative), beta1: numberRule(unitInterval), nesterov: booleanRule }
  const defaults: Required<Opts> = { learningRate: 0.1, beta1: 0.9, nesterov: false }
  const resolve = (fn: string, given: unknown) => resolveOptions<Opts>(fn, given as Opts, defaults, rules)

  it('fills defaults and keeps given values (undefined means default)', () => {
    expect(resolve('f', { beta1: 0.5, nesterov: undefined })).toEqual({
      learningRate: 0.1,
      beta1: 0.5,
      nesterov: false,
    })
    expect(resolve('f', undefined)).toEqual(defaults)
  })

  it('accepts a schedule where a hyperparameter allows one', () => {
    const s = (k: number) => k
    expect(resolve('f', { learningRate: s }).learningRate).toBe(s)
  })

  it('names the function, option, range and value when rejecting', () => {
    expect(() => resolve('adam', { beta1: 1.2 })).toThrow('adam: beta1 must be in [0, 1), got 1.2')
    expect(() => resolve('adam', { beta1: NaN })).toThrow('adam: beta1 must be in [0, 1), got NaN')
    expect(() => resolve('adam', { beta1: '0.9' as never })).toThrow('adam: beta1 must be in [0, 1), got "0.9"')
    expect(() => resolve('adam', { learningRate: -1 })).toThrow(
      'adam: learningRate must be >= 0 (or a schedule), got -1',
    )
    expect(() => resolve('adam', { nesterov: 1 as never })).toThrow('adam: nesterov must be a boolean, got 1')
    expect(() => resolve('adam', { lr: 1 } as never)).toThrow(
      'adam: unknown option lr, expected one of learningRate, beta1, nesterov',
    )
    expect(() => resolve('adam', 5 as never)).toThrow('adam: options must be a plain object, got 5')
    expect(() => resolve('adam', [] as never)).toThrow('adam: options must be a plain object, got []')
    expect(() => resolve('adam', { learningRate: Infinity })).toThrow('adam: learningRate must be finite, got Infinity')
  })

  it('says which option a misspelt one probably meant, and takes null as no options', () => {
    expect(() => resolve('adam', { beta_1: 0.9 } as never)).toThrow(
      'adam: unknown option beta_1, expected one of learningRate, beta1, nesterov; did you mean beta1?',
    )
    expect(() => resolve('adam', { learningrate: 0.1 } as never)).toThrow('; did you mean learningRate?')
    expect(resolve('f', null)).toEqual(defaults)
  })
})

describe('ranges', () => {
  it('are described as the messages say them', () => {
    expect(describeRange(unitInterval)).toBe('in [0, 1)')
    expect(describeRange(closedUnit)).toBe('in [0, 1]')
    expect(describeRange(nonNegative)).toBe('>= 0')
    expect(describeRange(positive)).toBe('> 0')
    expect(describeRange(positiveInteger)).toBe('an integer >= 1')
    expect(describeRange({ max: 1, maxOpen: true })).toBe('< 1')
    expect(describeRange({})).toBe('a number')
  })

  it('test membership at the ends', () => {
    expect([inRange(0, unitInterval), inRange(1, unitInterval), inRange(1, closedUnit)]).toEqual([true, false, true])
    expect([inRange(0, positive), inRange(1.5, positiveInteger), inRange(2, positiveInteger)]).toEqual([
      false,
      false,
      true,
    ])
  })
})

describe('hyperAt', () => {
  it('reads numbers as they are and schedules at the step, checking their values', () => {
    expect(hyperAt('sgd', 'learningRate', 0.5, 7, nonNegative)).toBe(0.5)
    expect(hyperAt('sgd', 'learningRate', (k) => 1 / (k + 1), 3, nonNegative)).toBe(0.25)
    expect(() => hyperAt('sgd', 'learningRate', () => -2, 4, nonNegative)).toThrow(
      'sgd: learningRate must be >= 0, got -2 from its schedule at step 4',
    )
    expect(() => hyperAt('sgd', 'learningRate', () => Infinity, 4, nonNegative)).toThrow(
      'sgd: learningRate must be finite, got Infinity from its schedule at step 4',
    )
    expect(() => hyperAt('sgd', 'learningRate', () => NaN, 4, nonNegative)).toThrow(
      'sgd: learningRate must be >= 0, got NaN from its schedule at step 4',
    )
  })
})
