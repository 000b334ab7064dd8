import type { ConformanceKit } from '@gd/testing'
import { applyUpdates, deserializeState, serializeState, stepInPlace } from '../src/index.js'

/** The @gd/optimizers functions the shared conformance suite drives. */
export const kit: ConformanceKit = {
  applyUpdates,
  serializeState: (s, o) => (o?.format === 'binary' ? serializeState(s, { format: 'binary' }) : serializeState(s)),
  deserializeState,
  stepInPlace: (tx, g, s, p) => stepInPlace(tx as never, g, s, p),
}

/** Per-element scalar state for references: runs `step` on each coordinate with its own memory. */
export function perElement<M>(init: () => M, step: (g: number, p: number, m: M, t: number) => number) {
  let mem: M[] | null = null
  let t = 0
  return (grad: readonly number[], params: readonly number[]): number[] => {
    mem ??= params.map(() => init())
    t++
    return params.map((p, i) => step(grad[i]!, p, mem![i]!, t))
  }
}
