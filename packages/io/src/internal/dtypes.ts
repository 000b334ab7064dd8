// Private: the safetensors dtypes @gd reads and writes, and how their bytes become @gd's storage.
import type { DType } from '@gd/tensor'

/** One safetensors dtype: its width in bytes, the @gd dtype it loads as, and for integers its range. */
export interface FileDType {
  readonly bytes: number
  readonly loadsAs: DType
  /** Integer range (inclusive) for integer dtypes. */
  readonly min?: number
  readonly max?: number
}

/** Every safetensors dtype @gd reads. */
export const FILE_DTYPES: Readonly<Record<string, FileDType>> = {
  BOOL: { bytes: 1, loadsAs: 'bool' },
  U8: { bytes: 1, loadsAs: 'int32', min: 0, max: 255 },
  I8: { bytes: 1, loadsAs: 'int32', min: -128, max: 127 },
  I16: { bytes: 2, loadsAs: 'int32', min: -32768, max: 32767 },
  U16: { bytes: 2, loadsAs: 'int32', min: 0, max: 65535 },
  F16: { bytes: 2, loadsAs: 'float32' },
  BF16: { bytes: 2, loadsAs: 'float32' },
  I32: { bytes: 4, loadsAs: 'int32', min: -2147483648, max: 2147483647 },
  U32: { bytes: 4, loadsAs: 'int32', min: 0, max: 4294967295 },
  F32: { bytes: 4, loadsAs: 'float32' },
  F64: { bytes: 8, loadsAs: 'float64' },
  I64: { bytes: 8, loadsAs: 'int32', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  U64: { bytes: 8, loadsAs: 'int32', min: 0, max: Number.MAX_SAFE_INTEGER },
}

/** Safetensors dtypes that exist but that @gd does not read (named in the error instead of "unknown"). */
export const UNSUPPORTED_DTYPES: readonly string[] = [
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'C64',
]

/**
 * The order the reference writer (safetensors' Rust core) lays tensors out in: dtype by this rank,
 * largest first, then name. It is the declaration order of its `Dtype` enum, checked against
 * safetensors 0.8.0's output.
 */
export const WRITE_RANK: Readonly<Record<string, number>> = {
  BOOL: 0,
  U8: 4,
  I8: 5,
  I16: 9,
  U16: 10,
  F16: 11,
  BF16: 12,
  I32: 13,
  U32: 14,
  F32: 15,
  F64: 17,
  I64: 18,
  U64: 19,
}

/** The file dtype each @gd dtype is written as unless told otherwise. */
export const DEFAULT_FILE_DTYPE: Readonly<Record<DType, string>> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
}

/** The file dtypes each @gd dtype may be written as (through the `dtypes` option). */
export const WRITABLE: Readonly<Record<DType, readonly string[]>> = {
  float32: ['F32', 'F16', 'BF16'],
  float64: ['F64'],
  int32: ['I32', 'I64', 'U8', 'I8', 'I16', 'U16', 'U32', 'U64'],
  bool: ['BOOL', 'U8'],
}

/** True on little-endian hosts (every platform Node and the browsers run on today). */
export function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
}
