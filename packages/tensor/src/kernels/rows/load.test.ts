import { describe, expect, it } from 'vitest'
import { initWasm } from '../../seam.js'
import { ROWS_MIN, rowsPay, rowsState } from '../registry.js'
import { wasmGelu } from './fused.js'
import { tensor } from '../../index.js'

describe('the fused kernels module', () => {
  it('is compiled by initWasm() asynchronously once a bundle includes the fused ops, not at its first call', async () => {
    expect(rowsState.kernels).toBeUndefined() // nothing compiled it yet
    expect(rowsState.load).not.toBeNull() // fused.ts told initWasm how
    await initWasm()
    expect(rowsState.kernels).not.toBeNull()
    expect(rowsState.kernels).not.toBeUndefined()
    const y = wasmGelu(tensor(new Float32Array(256).fill(1)))
    expect(y?.data[0]).toBeCloseTo(0.8411920070648193, 6)
  })

  it('takes row ops from ROWS_MIN floats on', () => {
    expect(ROWS_MIN).toBe(256)
    expect(rowsPay(255)).toBe(false)
    expect(rowsPay(256)).toBe(true)
  })
})
