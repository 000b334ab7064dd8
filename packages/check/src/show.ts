/**
 * How error messages print a value the caller passed: short, never throwing, never calling user code
 * other than a value's own `describeSymbol` method.
 * @module
 */

/**
 * A class whose instances should print in messages as more than `a <ClassName>` defines a method under
 * this key (`Symbol.for('@gd/describe')`, shared by every copy of the toolkit bundled into a package).
 * @example
 * ```ts
 * class Box { [describeSymbol]() { return 'a Box of 3 items' } }
 * show(new Box()) // 'a Box of 3 items'
 * ```
 */
export const describeSymbol: unique symbol = Symbol.for('@gd/describe') as never

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
 * typed arrays and long arrays by length, class instances by class name (or by their `describeSymbol`
 * method), functions as `a function`.
 * @example
 * ```ts
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
      return value.length > MAX ? `${JSON.stringify(value.slice(0, MAX))}… (${value.length} characters)` : JSON.stringify(value)
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    case 'undefined':
    case 'boolean':
      return String(value)
  }
  if (value === null) return 'null'
  const described = (value as { [describeSymbol]?: unknown })[describeSymbol]
  if (typeof described === 'function') return String(described.call(value))
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name
    return 'length' in value ? `${article(name)} of length ${(value as unknown as ArrayLike<unknown>).length}` : article(name)
  }
  if (Array.isArray(value)) {
    const plain = value.every((v) => v === null || ['number', 'boolean', 'string', 'undefined'].includes(typeof v))
    const text = plain ? `[${value.map(showUnsafe).join(',')}]` : ''
    return plain && text.length <= MAX ? text : `an array of length ${value.length}`
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as object).constructor?.name
    return typeof name === 'string' && name ? article(name) : 'an object'
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
