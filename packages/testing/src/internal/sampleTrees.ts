/**
 * Small parameter trees and tree helpers shared by the conformance suites. Internal: the suites
 * are the package's public face.
 * @module
 */
import { Tensor, treeLeaves, type Tree } from '@gd/tensor'

/** A float64 vector. */
export const f64 = (xs: readonly number[]): Tensor => new Tensor(Float64Array.from(xs), [xs.length], 'float64')

/** Every element of a tree, in leaf order, as numbers. */
export const values = (t: Tree): number[] => treeLeaves(t).flatMap((l) => Array.from(l.data))

/** A mixed tree for purity and round trips: a float32 matrix and a float64 vector. */
export function sampleTree(scale: number): Tree {
  return {
    w: new Tensor(Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5].map((v) => v * scale)), [2, 3], 'float32'),
    b: [f64([0.1 * scale, -0.3 * scale])],
  }
}

/** A fresh copy of a {@link sampleTree}-shaped tree. */
export function copyTree(t: Tree): Tree {
  const leaves = treeLeaves(t).map((l) => {
    const d = Array.from(l.data)
    return l.dtype === 'float64' ? f64(d) : new Tensor(Float32Array.from(d), l.shape, 'float32')
  })
  return { w: leaves[0]!, b: [leaves[1]!] }
}

/** The exact bit patterns of every element (so −0 and NaN payload-free compare exactly). */
export function bits(t: Tree): string[] {
  return treeLeaves(t).flatMap((l) => Array.from(l.data, (v) => (Object.is(v, -0) ? '-0' : String(v))))
}
