// Search in sorted step lists. Internal.

/** Number of entries of the strictly increasing list `steps` that are ≤ `step` (binary search). */
export function countAtOrBelow(steps: readonly number[], step: number): number {
  let low = 0
  let high = steps.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (steps[mid]! <= step)
      low = mid + 1 // mid < high ≤ steps.length
    else high = mid
  }
  return low
}
