/**
 * How error messages print a value the caller passed: short, never throwing, never calling user code
 * (a class instance is printed from its name and, when it has them, its `dtype` and `shape`).
 * @module
 */

const MAX = 60

function showNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x)
}

function article(name: string): string {
  return /^[AEIOU]/i.test(name) ? `an ${name}` : `a ${name}`
}

/**
 * Formats `value` for an error message: numbers, booleans, `null` and `undefined` as themselves,
 * strings in double quotes, short arrays of plain values as `[2,-3]`, short plain objects as JSON,
 * typed arrays and long arrays by length, class instances by class name (with dtype and shape when
 * they have them: `a float32 Tensor of shape [2,3]`), functions as `a function`.
 * @example
 * ```ts
 * import { show } from '@gd/check'
 * show([2, -3]) // '[2,-3]'
 * show('avg') // '"avg"'
 * show(new Float32Array(4)) // 'a Float32Array of length 4'
 * ```
 */
export function show(value: unknown): string {
  try {
    return showUnsafe(value)
  } catch {
    return 'an unprintable value'
  }
}

function showUnsafe(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return showNumber(value)
    case 'bigint':
      return `${value}n`
    case 'string':
      return value.length > MAX
        ? `${JSON.stringify(value.slice(0, MAX))}… (${value.length} characters)`
        : JSON.stringify(value)
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    case 'undefined':
    case 'boolean':
      return String(value)
  }
  if (value === null) return 'null'
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name
    return 'length' in value
      ? `${article(name)} of length ${(value as unknown as ArrayLike<unknown>).length}`
      : article(name)
  }
  if (Array.isArray(value)) {
    const plain = value.every((v) => v === null || ['number', 'boolean', 'string', 'undefined'].includes(typeof v))
    const text = plain ? `[${value.map(showUnsafe).join(',')}]` : ''
    return plain && text.length <= MAX ? text : `an array of length ${value.length}`
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as object).constructor?.name
    if (typeof name !== 'string' || !name) return 'an object'
    const { dtype, shape } = value as { dtype?: unknown; shape?: unknown }
    // tensors and traced values print as `a float32 Tensor of shape [2,3]`
    if (typeof dtype === 'string' && Array.isArray(shape))
      return `${article(dtype)} ${name} of shape [${shape.join(',')}]`
    return article(name)
  }
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    // cyclic, or holds a bigint: described by its keys below
  }
  if (json !== undefined && json.length <= MAX) return json
  const keys = Object.keys(value as object)
  return keys.length ? `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}` : 'an object'
}
