import { formatList } from '@gd/tensor/internal'
import { shape as shapeCheck } from './checks.js'

/** Fan-in and fan-out of a weight shape, and the kernel's receptive field size. */
export interface Fans {
  /** Inputs feeding each output unit: `in` for dense, `inChannels · kH · kW` for conv. */
  fanIn: number
  /** Outputs each input unit feeds: `out` for dense, `outChannels · kH · kW` for conv. */
  fanOut: number
  /** Product of the spatial kernel dimensions (1 for dense weights). */
  receptiveField: number
}

/** `computeFans` with the caller's name in its messages (the initializer that asked). @internal */
export function fansOf(op: string, shape: readonly number[]): Fans {
  const s = shapeCheck(op, 'shape', shape)
  if (s.length < 2) {
    throw new Error(
      `${op}: shape ${formatList(s)} has no fans: fan-based initializers need rank >= 2 ` +
        `(dense [in, out] or conv [outChannels, inChannels, ...kernel])`,
    )
  }
  if (s.length === 2) return { fanIn: s[0]!, fanOut: s[1]!, receptiveField: 1 }
  let receptiveField = 1
  for (let i = 2; i < s.length; i++) receptiveField *= s[i]!
  return { fanIn: s[1]! * receptiveField, fanOut: s[0]! * receptiveField, receptiveField }
}
