import type { OpDomain } from '../primitive.js'

/**
 * Gives an op composed from primitives its smooth domain by input name, as `primitive` gives one to
 * a primitive (the gradient tests read it from there). Call it under `@__PURE__` so an unused op
 * still drops out of a bundle. @internal
 */
export function withDomain<F extends (...args: never[]) => unknown>(
  f: F,
  domain: OpDomain,
): F & { readonly domain: OpDomain } {
  return Object.assign(f, { domain })
}
