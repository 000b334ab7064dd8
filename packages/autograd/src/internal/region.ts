import type { DType } from '@gd/tensor'
import type { Var } from '../variable.js'

/** Lays out boxes (`parts` at `begins`) in zeros of `shape`, differentiably. */
export type LayOut = (
  shape: readonly number[],
  dtype: DType,
  begins: readonly (readonly number[])[],
  parts: readonly Var[],
) => Var

/**
 * A cotangent that is zero outside one box of its input: what `slice` returns for its input instead
 * of its cotangent padded with zeros to the input's full shape. The engine collects the boxes of an
 * input and lays them out in one pass when it reads that input's cotangent, so splitting a tensor
 * into n parts costs O(size) in the backward pass, not O(n · size). Only the engine reads it. @internal
 */
export class Region {
  constructor(
    /** Where the box starts in the input. */
    readonly begin: readonly number[],
    /** The box's shape (the slice's output shape). */
    readonly shape: readonly number[],
    /** The cotangent inside the box. */
    readonly part: Var,
    /**
     * How to lay boxes out: passed in by `slice` (whose module it needs for its own gradient), so
     * the engine does not import the shape ops and a bundle without them stays without them.
     */
    readonly layOut: LayOut,
  ) {}
}
