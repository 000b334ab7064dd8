import { fail } from '@gd/check'
import { prngKey, type PRNGKey } from '@gd/tensor'
import { checkKey } from '@gd/tensor/internal'
import type { KeyOrSeed } from '../initializer.js'

/**
 * Turns a key or a seed into a key, checking it; `op` names the caller in error messages.
 * Internal: not re-exported from the package.
 *
 * @throws Error `op: key must be a pair of uint32 (from prngKey or splitKey), got ...` or
 *   `op: seed must be a safe integer, got ...`.
 */
export function resolveKey(op: string, key: KeyOrSeed): PRNGKey {
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) fail(op, 'seed', 'a safe integer', key)
    return prngKey(key)
  }
  return checkKey(op, key)
}
