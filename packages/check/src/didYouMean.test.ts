import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { didYouMean } from './didYouMean.js'

describe('didYouMean', () => {
  it('finds the likely typos the issue lists', () => {
    expect(didYouMean('epoch', ['epochs', 'batchSize'])).toBe('epochs')
    expect(didYouMean('axes', ['axis', 'keepDims'])).toBe('axis')
    expect(didYouMean('strides', ['stride', 'padding'])).toBe('stride')
    expect(didYouMean('training', ['train', 'rate'])).toBeUndefined()
    expect(didYouMean('transposeb', ['transposeA', 'transposeB'])).toBe('transposeB')
    expect(didYouMean('stddev', ['mean', 'std'])).toBeUndefined()
    expect(didYouMean('lr', ['learningRate'])).toBeUndefined()
    expect(didYouMean('btea1', ['beta1', 'beta2'])).toBe('beta1')
  })
  it('completes the first camelCase words of a name when no name is a typo away', () => {
    expect(didYouMean('mask', ['inputShape', 'maskName'])).toBe('maskName')
    expect(didYouMean('batch', ['epochs', 'batchSizeMax', 'batchSize'])).toBe('batchSize')
    expect(didYouMean('learning', ['learningRate', 'momentum'])).toBe('learningRate')
    // a typo match wins; a prefix that stops inside a word, or under 3 letters, is no suggestion
    expect(didYouMean('epoch', ['epochs', 'epochLength'])).toBe('epochs')
    expect(didYouMean('mas', ['massive'])).toBeUndefined()
    expect(didYouMean('lr', ['lrSchedule'])).toBeUndefined()
  })
  it('prefers the closest name and, on a tie, the first', () => {
    expect(didYouMean('beta', ['beta1', 'beta2'])).toBe('beta1')
    expect(didYouMean('betas1', ['betas', 'beta1'])).toBe('betas')
    expect(didYouMean('eps', ['epsRoot', 'eps'])).toBe('eps')
  })
  it('always suggests a name one edit away from a name of five letters or more', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 5, maxLength: 12 }), fc.nat(), (name, at) => {
        const i = at % name.length
        const typo = name.slice(0, i) + name.slice(i + 1)
        expect(didYouMean(typo, ['zzzzzzzzzzzzzzzzzzzz', name])).toBe(name)
      }),
    )
  })
})
