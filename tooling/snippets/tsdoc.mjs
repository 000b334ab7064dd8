// The TSDoc side of `pnpm snippets`: reading the ```ts blocks of `@example` tags out of TypeScript source, reading
// the values their comments state, judging a value against a statement, and rewriting an example so that it checks
// them when it runs. Pure (the TypeScript compiler is passed in), so its test is fast; run.mjs does the files.

/**
 * The ```ts blocks inside the `@example` tags of a TypeScript source text: `{ line, code, skip }`, `line` the 1-based
 * source line of the block's first code line, `code` the block without the ` * ` margin, `skip` undefined or
 * `{ kind, reason }` from a first line `// not run: <reason>` (type-checked, not run) or `// fragment: <reason>`
 * (neither run nor type-checked).
 */
export function tsdocExamples(source) {
  const lines = source.split('\n')
  const examples = []
  let inDoc = false
  let inExample = false
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    if (!inDoc) {
      if (/^\s*\/\*\*/.test(raw)) inDoc = true
      else continue
    }
    const text = raw.replace(/^\s*\/\*\*\s?/, '').replace(/^\s*\*(?!\/)\s?/, '')
    const closes = /\*\/\s*$/.test(raw)
    if (/^\s*@example\b/.test(text)) inExample = true
    else if (/^\s*@\w/.test(text)) inExample = false
    const open = /^\s*(`{3,})\s*(ts|typescript|tsx)\s*$/.exec(text)
    if (inExample && open !== null && !closes) {
      const body = []
      let j = i + 1
      for (; j < lines.length; j++) {
        if (/^\s*\*\//.test(lines[j])) break
        const t = lines[j].replace(/^\s*\*(?!\/)\s?/, '')
        if (t.trimStart().startsWith(open[1])) break
        body.push(t)
      }
      examples.push({ line: i + 2, code: body.join('\n') + '\n', skip: skipOf(body[0] ?? '') })
      i = j
      continue
    }
    if (closes) {
      inDoc = false
      inExample = false
    }
  }
  return examples
}

function skipOf(first) {
  const m = /^\s*\/\/\s*(not run|fragment):\s*(\S.*?)\s*$/.exec(first)
  return m === null ? undefined : { kind: m[1], reason: m[2] }
}

// ---------------------------------------------------------------------------------------------------------------
// Stated values

const typedArrays = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
]

/**
 * What a trailing comment states about its statement: undefined when it is prose, `{ kind: 'value', spec }` when it
 * starts with a literal (optionally after `≈`) followed by nothing or by `:` `;` `,` `(` `—` and prose,
 * `{ kind: 'throws', message, prefix }` for `throws '<message>'` (`prefix` when the message ends in `…`), and
 * `{ kind: 'problem', reason }` for a `throws` without a quoted message.
 */
export function statedValue(comment) {
  const text = comment.trim()
  const thrown = /^throws\b:?\s*(.*)$/.exec(text)
  if (thrown !== null) {
    const p = new LiteralParser(thrown[1], false)
    const value = p.tryString()
    if (value === undefined || !p.restIsProse())
      return { kind: 'problem', reason: "says it throws but not the message: write throws '<message>'" }
    const prefix = value.endsWith('…')
    return { kind: 'throws', message: prefix ? value.slice(0, -1) : value, prefix }
  }
  const approx = text.startsWith('≈')
  const p = new LiteralParser(approx ? text.slice(1) : text, approx)
  let spec
  try {
    spec = p.value()
  } catch {
    return undefined
  }
  return p.restIsProse() ? { kind: 'value', spec } : undefined
}

/** A small reader of JavaScript literals with the number notations of the docs (`≈`, a trailing `…`). */
class LiteralParser {
  constructor(text, approx) {
    this.s = text
    this.i = 0
    this.approx = approx
  }
  space() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++
  }
  restIsProse() {
    this.space()
    return this.i === this.s.length || /^[:;,(—–]/.test(this.s.slice(this.i))
  }
  tryString() {
    this.space()
    const q = this.s[this.i]
    if (q !== "'" && q !== '"') return undefined
    let out = ''
    for (let j = this.i + 1; j < this.s.length; j++) {
      const c = this.s[j]
      if (c === '\\') {
        const e = this.s[++j] ?? ''
        out += { n: '\n', t: '\t', r: '\r' }[e] ?? e
        continue
      }
      if (c === q) {
        this.i = j + 1
        return out
      }
      out += c
    }
    return undefined
  }
  value() {
    this.space()
    const rest = this.s.slice(this.i)
    const str = this.tryString()
    if (str !== undefined)
      return str.endsWith('…')
        ? { type: 'string', value: str.slice(0, -1), prefix: true }
        : { type: 'string', value: str }
    if (rest.startsWith('[')) return this.array()
    if (rest.startsWith('{')) return this.object()
    const word = /^[A-Za-z_$][\w$]*/.exec(rest)?.[0]
    if (word !== undefined) {
      if (typedArrays.includes(word)) {
        this.i += word.length
        this.space()
        if (this.s[this.i] !== '[') throw new Error('typed array without elements')
        return { type: 'typed', name: word, items: this.array().items }
      }
      const constants = { true: true, false: false, null: null, undefined }
      if (word in constants) {
        this.i += word.length
        return { type: 'constant', value: constants[word] }
      }
      if (word === 'NaN' || word === 'Infinity') return this.number()
      throw new Error(`not a literal: ${word}`)
    }
    return this.number()
  }
  number() {
    const m = /^([-−]?)(0x[0-9a-fA-F]+|Infinity|NaN|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(…|\.\.\.)?/.exec(
      this.s.slice(this.i),
    )
    if (m === null) throw new Error('not a number')
    const [all, sign, digits, ellipsis] = m
    // A number glued to a letter or another digit group ("2x", "3rd") is prose.
    if (/^[A-Za-z_\d]/.test(this.s.slice(this.i + all.length))) throw new Error('not a number')
    this.i += all.length
    const value = (sign === '' ? 1 : -1) * Number(digits)
    const mode = ellipsis !== undefined ? 'truncated' : this.approx ? 'rounded' : 'exact'
    return { type: 'number', value, mode, text: `${sign === '' ? '' : '-'}${digits}` }
  }
  array() {
    this.i++ // [
    const items = []
    for (;;) {
      this.space()
      if (this.s[this.i] === ']') {
        this.i++
        return { type: 'array', items }
      }
      items.push(this.value())
      this.space()
      if (this.s[this.i] === ',') this.i++
      else if (this.s[this.i] !== ']') throw new Error('array')
    }
  }
  object() {
    this.i++ // {
    const entries = []
    for (;;) {
      this.space()
      if (this.s[this.i] === '}') {
        this.i++
        return { type: 'object', entries }
      }
      let key = this.tryString()
      if (key === undefined) {
        key = /^[A-Za-z_$][\w$]*/.exec(this.s.slice(this.i))?.[0]
        if (key === undefined) throw new Error('object key')
        this.i += key.length
      }
      this.space()
      if (this.s[this.i] !== ':') throw new Error('object colon')
      this.i++
      entries.push([key, this.value()])
      this.space()
      if (this.s[this.i] === ',') this.i++
      else if (this.s[this.i] !== '}') throw new Error('object')
    }
  }
}

/** Significant digits written in a number's text (`0.0350` has 3, `1000` has 4, `2.5e-3` has 2). */
function significantDigits(text) {
  const mantissa = text.replace(/^-/, '').split(/e/i)[0]
  const digits = mantissa.replace('.', '').replace(/^0+/, '')
  return Math.max(1, digits.length)
}

/** The value of one unit in the last written digit of a number's text (`0.693` → 0.001, `2.5e-3` → 0.0001). */
function lastDigitUnit(text) {
  const [mantissa, exponent = '0'] = text.replace(/^-/, '').split(/e/i)
  const decimals = mantissa.includes('.') ? mantissa.split('.')[1].length : 0
  return 10 ** (Number(exponent) - decimals)
}

/**
 * Whether a number agrees with the number written, by the docs' rule:
 * - written plainly (`0.05`, `1.6666666269302368`): the value read to the digits written, or to 6 significant digits
 *   when fewer are written (every 6-digit decimal survives a float32 round trip, so a float32 `0.1` reads as 0.1),
 *   is the number written; 0, NaN, ±Infinity and hexadecimal integers exactly;
 * - after `≈` (`≈ 0.0354`): the value rounded to the written decimals is the number written;
 * - with a trailing `…` (`0.693…`): the written digits are the value's, the rest cut off.
 */
export function numberAgrees(spec, actual) {
  if (typeof actual !== 'number') return false
  const { value, mode, text } = spec
  if (!Number.isFinite(value) || value === 0 || /^-?0x/.test(text)) {
    if (value === 0 && mode !== 'exact') return Math.abs(actual) < lastDigitUnit(text) * (mode === 'rounded' ? 0.5 : 1)
    return Object.is(actual, value) || (value === 0 && actual === 0)
  }
  if (!Number.isFinite(actual)) return false
  if (mode === 'exact') {
    const digits = Math.min(21, Math.max(6, significantDigits(text)))
    return Number(actual.toPrecision(digits)) === Number(value.toPrecision(digits))
  }
  const unit = lastDigitUnit(text)
  const slack = Math.abs(value) * 1e-12 // the written number is itself rounded to binary
  if (mode === 'rounded') return Math.abs(actual - value) <= unit / 2 + slack
  // truncated: same sign, and |written| ≤ |actual| < |written| + one unit
  if (Math.sign(actual) !== Math.sign(value)) return false
  const excess = Math.abs(actual) - Math.abs(value)
  return excess >= -slack && excess < unit - slack
}

/**
 * Undefined when `actual` is what `spec` states; otherwise where and how it differs, e.g. `[1] is 0.5, not 0.25`.
 * A string written with a trailing `…` inside its quotes states how the value starts.
 * Arrays must be arrays (or tensors, read with toArray()), typed arrays of the class written, objects have exactly the
 * keys written.
 */
export function mismatch(spec, actual, path = '') {
  const here = path === '' ? 'it' : path
  if (spec.type === 'array' && isTensor(actual)) return mismatch(spec, actual.toArray(), path)
  switch (spec.type) {
    case 'number':
      return numberAgrees(spec, actual)
        ? undefined
        : `${here} is ${show(actual)}, not ${spec.text}${spec.mode === 'truncated' ? '…' : ''}`
    case 'string':
      if (spec.prefix)
        return typeof actual === 'string' && actual.startsWith(spec.value)
          ? undefined
          : `${here} is ${show(actual)}, which does not start with ${show(spec.value)}`
      return actual === spec.value ? undefined : `${here} is ${show(actual)}, not ${show(spec.value)}`
    case 'constant':
      return actual === spec.value ? undefined : `${here} is ${show(actual)}, not ${show(spec.value)}`
    case 'array':
    case 'typed': {
      const kind = spec.type === 'array' ? 'an array' : `a ${spec.name}`
      const isKind =
        spec.type === 'array'
          ? Array.isArray(actual)
          : actual?.constructor?.name === spec.name && ArrayBuffer.isView(actual)
      if (!isKind) return `${here} is ${show(actual)}, not ${kind}`
      if (actual.length !== spec.items.length)
        return `${here} has ${actual.length} elements, not ${spec.items.length}: ${show(actual)}`
      for (let k = 0; k < spec.items.length; k++) {
        const found = mismatch(spec.items[k], actual[k], `${path}[${k}]`)
        if (found !== undefined) return found
      }
      return undefined
    }
    case 'object': {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
        return `${here} is ${show(actual)}, not an object`
      const keys = Object.keys(actual).filter((k) => actual[k] !== undefined)
      const written = spec.entries.map(([k]) => k)
      const extra = keys.filter((k) => !written.includes(k))
      if (extra.length > 0) return `${here} has the keys ${written.join(', ') || 'none'} and also ${extra.join(', ')}`
      for (const [k, v] of spec.entries) {
        const found = mismatch(
          v,
          actual[k],
          `${path}${/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`,
        )
        if (found !== undefined) return found
      }
      return undefined
    }
    default:
      throw new Error(`unknown spec ${spec.type}`)
  }
}

/** A tensor (anything with a shape and toArray()) states its values as the nested array toArray() gives. */
function isTensor(v) {
  return typeof v === 'object' && v !== null && Array.isArray(v.shape) && typeof v.toArray === 'function'
}

/** A short picture of a value for messages: numbers in full, arrays and typed arrays nested, long ones cut. */
export function show(v, depth = 0) {
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
  if (typeof v !== 'object' || v === null) return typeof v === 'function' ? `a function ${v.name}` : String(v)
  if (depth > 4) return '…'
  const items = (xs) => {
    const shown = Array.from(xs)
      .slice(0, 12)
      .map((x) => show(x, depth + 1))
    return `[${shown.join(', ')}${xs.length > 12 ? `, … (${xs.length})` : ''}]`
  }
  if (Array.isArray(v)) return items(v)
  if (ArrayBuffer.isView(v) && 'length' in v) return `${v.constructor.name} ${items(v)}`
  const name = v.constructor?.name
  if (name !== undefined && name !== 'Object') return `a ${name}${'shape' in v ? ` of shape ${show(v.shape)}` : ''}`
  const entries = Object.entries(v)
    .slice(0, 8)
    .map(([k, x]) => `${k}: ${show(x, depth + 1)}`)
  return `{ ${entries.join(', ')} }`
}

// ---------------------------------------------------------------------------------------------------------------
// Rewriting an example

/**
 * Rewrites an example's module specifiers with `resolve(specifier)` (a string, or undefined to keep it): import and
 * export declarations, `import type`, and `import('…')` calls.
 */
export function rewriteImports(code, ts, resolve) {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)
  const edits = []
  const visit = (node) => {
    let literal
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined)
      literal = node.moduleSpecifier
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      literal = node.arguments[0]
    else if (ts.isImportTypeNode(node)) literal = node.argument.literal
    if (literal !== undefined && ts.isStringLiteral(literal)) {
      const target = resolve(literal.text)
      if (target !== undefined)
        edits.push({ start: literal.getStart(file), end: literal.end, text: JSON.stringify(target) })
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return applyEdits(code, edits)
}

/** A comment on its own line that states the value of the statement above: `// throws '…'` or `// → value`. */
function continued(comment) {
  return /^\s*(throws\b|→)/.test(comment)
}

function applyEdits(code, edits) {
  let out = code
  for (const { start, end, text } of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, start) + text + out.slice(end)
  return out
}

/**
 * Makes an example check what its comments state. Every statement whose line ends in a trailing comment that states a
 * value (see {@link statedValue}), or that is followed by a line `// → value` or `// throws '…'`, is wrapped: an expression statement `e // v` becomes `__gdDoc.v(id, (e))`, a
 * declaration `const x = e // v` checks `e`; `// throws '<m>'` wraps the statement in `__gdDoc.t(id, () => …)` (or the
 * awaited `__gdDoc.ta` when it awaits). Returns `{ code, checks, problems }`: `checks[id]` is `{ line, expr, comment,
 * stated }` (line 1-based within the example), `problems` the stated values that no statement carries.
 */
export function instrument(code, ts) {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)
  const lineOf = (pos) => file.getLineAndCharacterOfPosition(pos).line
  const checks = []
  const edits = []
  const claimed = new Set() // comment positions carried by a statement
  // The comment on the statement's last line, or one on the line below it that starts with `throws` or `→` (for a
  // value too long to share the line).
  const trailing = (node) => {
    const ranges = [
      ...(ts.getTrailingCommentRanges(code, node.end) ?? []),
      ...(ts.getLeadingCommentRanges(code, node.end) ?? []),
    ]
    const line = (r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia && lineOf(r.pos)
    const same = ranges.find((r) => line(r) === lineOf(node.end))
    if (same !== undefined) return same
    const below = ranges.find((r) => line(r) === lineOf(node.end) + 1)
    return below !== undefined && continued(code.slice(below.pos + 2, below.end)) ? below : undefined
  }
  const visit = (node) => {
    if (ts.isExpressionStatement(node) || ts.isVariableStatement(node)) {
      const range = trailing(node)
      const stated =
        range === undefined ? undefined : statedValue(code.slice(range.pos + 2, range.end).replace(/^\s*→/, ''))
      let target
      if (ts.isExpressionStatement(node)) target = node.expression
      else if (node.declarationList.declarations.length === 1) target = node.declarationList.declarations[0].initializer
      if (stated !== undefined && stated.kind !== 'problem' && target !== undefined) {
        claimed.add(range.pos)
        const id = checks.length
        const expr = code.slice(target.getStart(file), target.end)
        checks.push({
          line: lineOf(target.getStart(file)) + 1,
          expr,
          comment: code.slice(range.pos + 2, range.end).trim(),
          stated,
        })
        const awaits = /\bawait\b/.test(expr)
        const text =
          stated.kind === 'value'
            ? `__gdDoc.v(${id}, (${expr}))`
            : awaits
              ? `(await __gdDoc.ta(${id}, async () => (${expr})))`
              : `__gdDoc.t(${id}, () => (${expr}))`
        edits.push({ start: target.getStart(file), end: target.end, text })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  // Every line comment that states something but was not claimed by a statement is a problem: it would go unchecked.
  const problems = []
  const comments = new Map() // position → text, every line comment of the example
  const collect = (node) => {
    for (const r of [
      ...(ts.getLeadingCommentRanges(code, node.getFullStart()) ?? []),
      ...(ts.getTrailingCommentRanges(code, node.end) ?? []),
    ]) {
      if (r.kind === ts.SyntaxKind.SingleLineCommentTrivia) comments.set(r.pos, code.slice(r.pos + 2, r.end))
    }
    for (const child of node.getChildren(file)) collect(child)
  }
  collect(file)
  for (const [pos, comment] of [...comments].sort((a, b) => a[0] - b[0])) {
    const lineStart = code.lastIndexOf('\n', pos - 1) + 1
    // a comment on its own line is prose, unless it continues the statement above
    if (code.slice(lineStart, pos).trim() === '' && !continued(comment)) continue
    const stated =
      statedValue(comment.replace(/^\s*→/, '')) ??
      (continued(comment) ? { kind: 'problem', reason: 'is not a value' } : undefined)
    if (stated === undefined || claimed.has(pos)) continue
    const line = lineOf(pos) + 1
    problems.push(
      stated.kind === 'problem'
        ? { line, message: `\`//${comment}\` ${stated.reason}` }
        : {
            line,
            message: `\`//${comment}\` states a value, but not at the end of an expression or a declaration: it is not checked`,
          },
    )
  }
  return { code: applyEdits(code, edits), checks, problems }
}
