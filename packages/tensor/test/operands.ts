// Operands for the gemm kernels' property tests: an `rows × cols` matrix laid out in a flat array
// in one of several ways, and deterministic fillings.

/** How an `rows × cols` operand lies in its array. */
export type Layout = 'row' | 'col' | 'gapped' | 'broadcast' | 'reversed'

/** Strides, offset of element (0, 0) and the array length a layout needs, after `pad` leading elements. */
export function place(layout: Layout, rows: number, cols: number, pad: number): { rs: number; cs: number; offset: number; length: number } {
  switch (layout) {
    case 'row': return { rs: cols, cs: 1, offset: pad, length: pad + rows * cols }
    case 'col': return { rs: 1, cs: rows, offset: pad, length: pad + rows * cols }
    // neither stride is 1: the packing's general path (a strided view, every other column)
    case 'gapped': return { rs: 2 * cols + 3, cs: 2, offset: pad, length: pad + rows * (2 * cols + 3) }
    // one row repeated (stride 0), as a broadcast operand
    case 'broadcast': return { rs: 0, cs: 1, offset: pad, length: pad + cols }
    // rows last to first (negative stride): the span starts below element (0, 0)
    case 'reversed': return { rs: -cols, cs: 1, offset: pad + (rows - 1) * cols, length: pad + rows * cols }
  }
}

/** `n` float32 values from a seeded sine: distinct, in [-1, 1], the same for the same seed. */
export function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed * 7.1 + i * 1.3)
  return out
}
