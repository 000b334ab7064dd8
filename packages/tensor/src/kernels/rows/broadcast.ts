/**
 * The row-broadcast dispatch of the binary ops (`binary.ts`): `x[..., n] op b[n]` (a bias add, and mul,
 * sub, div) in one Wasm call over all the rows, instead of one call per row through the strided path.
 * @module
 */
import { forReplay, Tensor } from '../../tensor.js'
import { kernel } from '../../internal/trace.js'
import type { FloatArray } from '../gemm/reference.js'
import { broadcastKernels } from '../registry.js'
import { allocateUnfilled } from '../runtime/owner.js'

/** Floats of the elementwise module's slots (`CHUNK` of `../elementwise/wasm.ts`, not imported: it would bring the module's bytes). */
const ROW_MAX = 16384

/**
 * Whether `row` is contiguous and, leading size-1 dimensions aside, the shape of `full`'s trailing dimensions
 * ([n] or [1, …, 1, n] for a bias; [16, 64] over [32, 16, 64] for a position table added to a batch): then it
 * broadcasts over `full`'s rows of `row.size` floats without growing it.
 */
function isRowOf(row: Tensor, full: Tensor): boolean {
  const rank = full.rank
  const n = row.size
  // (a row of one element is a scalar, which the binary ops' own loops take in one call)
  if (!row.isContiguous || n < 2 || n > ROW_MAX || row.rank > rank || rank < 2 || n === full.size) return false
  let d = 1
  let covered = 1
  for (; d <= row.rank && covered < n; d++) {
    const r = row.shape[row.rank - d]!
    if (r !== full.shape[rank - d]) return false
    covered *= r
  }
  for (; d <= row.rank; d++) if (row.shape[row.rank - d] !== 1) return false
  return covered === n
}

/**
 * a op b on the Wasm row kernel when one operand is a contiguous float32 tensor and the other a row
 * broadcast over its trailing axes (its shape [n] or [1, …, 1, n] over the last axis, or the trailing dimensions
 * of the other, as a position table over a batch of sequences); null for any other call, or when the
 * kernel does not take it (Wasm off or not loaded, under `ROWS_MIN` floats, rows longer than a slot).
 * The arithmetic is the JavaScript loop's (one float32 operation per element), so the bits are the same.
 * Both operands must already be checked tensors of one float32 dtype (the binary ops' `arithmetic`).
 *
 * @example
 * ```ts
 * import { initWasm, ones, tensor } from '@gd/tensor'
 * import { BINARY } from '../elementwise/ops.generated.js'
 * import { broadcastRows } from './broadcast.js'
 * await initWasm()
 * broadcastRows(BINARY.add, ones([64, 4]), tensor([1, 2, 3, 4]))?.data[3] // 5
 * ```
 */
export function broadcastRows(op: number, a: Tensor, b: Tensor): Tensor | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null
  const aFull = a.isContiguous && isRowOf(b, a)
  const bFull = !aFull && b.isContiguous && isRowOf(a, b)
  if (!aFull && !bFull) return null
  const k = broadcastKernels()
  if (k === null) return null
  const full = aFull ? a : b
  const row = aFull ? b : a
  // the kernel writes every element (each row of `full` once), so the block is taken as the pool left it
  const out = allocateUnfilled(full.size)
  const F = forReplay(full)
  const R = forReplay(row)
  const run = (): boolean => k.binaryRows(op, F.data as FloatArray, R.data as FloatArray, out, bFull)
  return kernel(out, run, true) ? new Tensor(out, full.shape, 'float32') : null
}
