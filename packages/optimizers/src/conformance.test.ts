import { fileURLToPath } from 'node:url'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { missingConformance } from '@gd/testing'
import * as optimizers from './index.js'

describe('conformance coverage', () => {
  const here = dirname(fileURLToPath(import.meta.url))
  const { optimizers: names, missing } = missingConformance(here)

  it('finds the named optimizers (functions declared to return Optimizer or ClosureOptimizer)', () => {
    // adam, adamw, sgd ... and the closure-driven lbfgs: if this drops, the scan broke, not the optimizers
    expect(names.length).toBeGreaterThanOrEqual(17)
    expect(names).toContain('lbfgs')
    for (const n of names) expect(typeof (optimizers as Record<string, unknown>)[n]).toBe('function')
  })

  it('every exported optimizer runs the shared conformance suite', () => {
    expect(missing).toEqual([])
  })
})
