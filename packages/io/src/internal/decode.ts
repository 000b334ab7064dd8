// Private: a tensor's bytes in a file to a @gd tensor, and a @gd tensor to the bytes of a file dtype.
import { Tensor } from '@gd/tensor'
import { FILE_DTYPES } from './dtypes.js'
import { quote, type Entry } from './header.js'
import { floatBitsToBfloat, floatBitsToHalf, halfToFloatBits } from './half.js'

/** A fresh, aligned copy of `bytes` (so typed arrays of any width can view it). */
const copy = (bytes: Uint8Array): ArrayBuffer => Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer

function outOfRange(fn: string, e: Entry, index: number, value: number | bigint): Error {
  return new Error(
    `${fn}: tensor ${quote(e.name)} (${e.dtype}) holds ${value} at index ${index}, outside int32's range [-2147483648, 2147483647]; @gd holds integers as int32`,
  )
}

/**
 * The tensor of entry `e` from its `bytes` (exactly `e.end − e.begin` of them, little-endian): a
 * copy, never a view of the caller's buffer. Integers wider than int32 must fit in int32; BOOL bytes
 * must be 0 or 1.
 */
export function decodeEntry(fn: string, e: Entry, bytes: Uint8Array): Tensor {
  const shape = Object.freeze([...e.shape])
  const n = bytes.length / FILE_DTYPES[e.dtype]!.bytes
  switch (e.dtype) {
    case 'F32':
      return new Tensor(new Float32Array(copy(bytes)), shape, 'float32')
    case 'F64':
      return new Tensor(new Float64Array(copy(bytes)), shape, 'float64')
    case 'I32':
      return new Tensor(new Int32Array(copy(bytes)), shape, 'int32')
    case 'BOOL': {
      const out = new Uint8Array(copy(bytes))
      for (let i = 0; i < n; i++) {
        if (out[i]! > 1)
          throw new Error(`${fn}: tensor ${quote(e.name)} (BOOL) holds byte ${out[i]} at index ${i}, expected 0 or 1`)
      }
      return new Tensor(out, shape, 'bool')
    }
    case 'F16':
    case 'BF16': {
      const halves = new Uint16Array(copy(bytes))
      const out = new Float32Array(n)
      const bits = new Uint32Array(out.buffer)
      if (e.dtype === 'F16') for (let i = 0; i < n; i++) bits[i] = halfToFloatBits(halves[i]!)
      else for (let i = 0; i < n; i++) bits[i] = halves[i]! << 16
      return new Tensor(out, shape, 'float32')
    }
    case 'I64':
    case 'U64': {
      const words = new Int32Array(copy(bytes))
      const out = new Int32Array(n)
      const signed = e.dtype === 'I64'
      for (let i = 0; i < n; i++) {
        const low = words[2 * i]!
        const high = words[2 * i + 1]!
        // fits when the high word is the low word's sign extension (I64) or zero with a non-negative low word (U64)
        if (signed ? high !== low >> 31 : high !== 0 || low < 0) {
          const value = (BigInt(signed ? high : high >>> 0) << 32n) | BigInt(low >>> 0)
          throw outOfRange(fn, e, i, value)
        }
        out[i] = low
      }
      return new Tensor(out, shape, 'int32')
    }
    default: {
      // U8, I8, I16, U16, U32: every value but U32's top half fits in int32
      const buffer = copy(bytes)
      const source =
        e.dtype === 'U8'
          ? new Uint8Array(buffer)
          : e.dtype === 'I8'
            ? new Int8Array(buffer)
            : e.dtype === 'I16'
              ? new Int16Array(buffer)
              : e.dtype === 'U16'
                ? new Uint16Array(buffer)
                : new Uint32Array(buffer)
      const out = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        const v = source[i]!
        if (v > 2147483647) throw outOfRange(fn, e, i, v)
        out[i] = v
      }
      return new Tensor(out, shape, 'int32')
    }
  }
}

/**
 * The little-endian bytes of tensor `t` written as file dtype `dtype` (one of `WRITABLE[t.dtype]`),
 * or an error naming the first value the dtype cannot hold. `name` names the tensor in messages.
 */
export function encodeTensor(fn: string, name: string, t: Tensor, dtype: string): Uint8Array {
  const data = t.data
  const n = data.length
  const raw = (): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if ((dtype === 'F32' && t.dtype === 'float32') || dtype === 'F64' || dtype === 'I32' || dtype === 'BOOL') return raw()
  if (dtype === 'F16' || dtype === 'BF16') {
    const bits = new Uint32Array(data.buffer, data.byteOffset, n)
    const out = new Uint16Array(n)
    if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = floatBitsToHalf(bits[i]!)
    else for (let i = 0; i < n; i++) out[i] = floatBitsToBfloat(bits[i]!)
    return new Uint8Array(out.buffer)
  }
  const { bytes: width, min, max } = FILE_DTYPES[dtype]!
  for (let i = 0; i < n; i++) {
    const v = data[i]!
    if (v < min! || v > max!) {
      throw new Error(
        `${fn}: tensor ${quote(name)} holds ${v} at index ${i}, which ${dtype} cannot hold (it holds ${min} to ${max})`,
      )
    }
  }
  const out = new Uint8Array(n * width)
  const view = new DataView(out.buffer)
  for (let i = 0; i < n; i++) {
    const v = data[i]!
    if (width === 1) out[i] = v & 0xff
    else if (width === 2) view.setUint16(2 * i, v & 0xffff, true)
    else if (width === 4) view.setUint32(4 * i, v >>> 0, true)
    else {
      view.setInt32(8 * i, v, true)
      view.setInt32(8 * i + 4, v < 0 ? -1 : 0, true)
    }
  }
  return out
}
