import { describe, expect, it } from 'vitest'
import { formatLoss, formatNumber } from './format.js'

describe('numbers for the tables', () => {
  it('writes learning rates short: plain between 0.001 and 10,000, exponent form outside', () => {
    expect([0.002, 0.05, 0.1, 1, 2.302585, 1234.5].map(formatNumber)).toEqual([
      '0.002',
      '0.05',
      '0.1',
      '1',
      '2.303',
      '1235',
    ])
    expect([3e-4, 2e-4, 1e-5, 1e9, 2.6e21, -7.61e19, 12345].map(formatNumber)).toEqual([
      '3e-4',
      '2e-4',
      '1e-5',
      '1e9',
      '2.6e21',
      '-7.6e19',
      '1.2e4',
    ])
    expect([0, NaN, Infinity, -Infinity].map(formatNumber)).toEqual(['0', 'NaN', 'Infinity', '-Infinity'])
  })

  it('writes losses with 4 decimals, and the exploding ones in exponent form (never 2600000000000000000000.0000)', () => {
    expect([0.21344, 2.302585, 23.03, 9999.5].map(formatLoss)).toEqual(['0.2134', '2.3026', '23.0300', '9999.5000'])
    expect([2.6e21, 140809759064997298176, 1e4].map(formatLoss)).toEqual(['2.6e21', '1.4e20', '1e4'])
    expect([NaN, Infinity].map(formatLoss)).toEqual(['NaN', 'Infinity'])
  })
})
