import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { runExamples } from './examples.mjs'
import { codeBlocks, commandProblem, pnpmCommands } from './snippets.mjs'
import { instrument, mismatch, rewriteImports, statedValue, tsdocExamples } from './tsdoc.mjs'

const scripts = { '.': ['build', 'demo', 'docs:dev'], '@gd/examples': ['example'] }

describe('codeBlocks', () => {
  it('reads each fenced block with its language, first line and skip reason', () => {
    const md = [
      '# t',
      '```ts',
      'const a = 1',
      '```',
      '<!-- snippet: not run (a signature) -->',
      '',
      '```js',
      'f(x)',
      '```',
      '~~~sh',
      'ls',
      '~~~',
    ].join('\n')
    expect(codeBlocks(md)).toEqual([
      { line: 2, lang: 'ts', code: 'const a = 1\n', skip: undefined },
      { line: 7, lang: 'js', code: 'f(x)\n', skip: 'a signature' },
      { line: 10, lang: 'sh', code: 'ls\n', skip: undefined },
    ])
  })

  it('strips a list item indentation from an indented block', () => {
    expect(codeBlocks('- item\n  ```ts\n  const b = 2\n  ```')).toEqual([
      { line: 2, lang: 'ts', code: 'const b = 2\n', skip: undefined },
    ])
  })
})

describe('pnpmCommands', () => {
  it('finds commands in shell blocks (split at && and ;, comments dropped) and in inline code, not in TypeScript', () => {
    const md = [
      'Run `pnpm docs:dev` or `npx -y pnpm@10.34.9 demo -- --task gan`.',
      '```sh',
      '# first `pnpm nothing` here',
      'npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 build # then test',
      '```',
      '```ts',
      "const s = 'pnpm oops'",
      '```',
    ].join('\n')
    expect(pnpmCommands(md)).toEqual([
      { line: 1, command: 'pnpm docs:dev' },
      { line: 1, command: 'pnpm demo -- --task gan' },
      { line: 4, command: 'pnpm install' },
      { line: 4, command: 'pnpm build' },
    ])
  })
})

describe('commandProblem', () => {
  it('accepts scripts of the root or the filtered package, pnpm commands and `pnpm run <script>`', () => {
    for (const c of [
      'pnpm build',
      'pnpm run demo',
      'pnpm install',
      'pnpm test',
      'pnpm --filter @gd/examples example names',
      'pnpm',
    ])
      expect(commandProblem(c, scripts)).toBeUndefined()
  })

  it('names a missing script with the ones that exist, a script name pnpm gives to npm, and an unknown package', () => {
    expect(commandProblem('pnpm bench', scripts)).toBe(
      'the root package.json has no script `bench` (it has build, demo, docs:dev)',
    )
    expect(commandProblem('pnpm docs', scripts)).toBe("`pnpm docs` runs npm's own `docs`, never a script of that name")
    expect(commandProblem('pnpm --filter @gd/nope start', scripts)).toBe('no workspace package @gd/nope')
    expect(commandProblem('pnpm --filter @gd/examples run start', scripts)).toBe(
      '@gd/examples has no script `start` (it has example)',
    )
  })
})

describe('tsdocExamples', () => {
  it('reads the ts blocks of @example tags with their first source line, and the not-run and fragment markers', () => {
    const source = [
      '/**',
      ' * Adds.',
      ' * ```ts',
      ' * notAnExample()',
      ' * ```',
      ' * @example',
      ' * ```ts',
      " * import { add } from '@gd/tensor'",
      ' * add(1, 2) // 3',
      ' * ```',
      ' * ```ts',
      ' * // not run: opens a browser window',
      ' * open()',
      ' * ```',
      ' * @returns the sum',
      ' */',
      '/** @example',
      ' * ```ts',
      ' * // fragment: the middle of a loop',
      ' * step()',
      ' * ```',
      ' */',
    ].join('\n')
    expect(tsdocExamples(source)).toEqual([
      { line: 8, code: "import { add } from '@gd/tensor'\nadd(1, 2) // 3\n", skip: undefined },
      {
        line: 12,
        code: '// not run: opens a browser window\nopen()\n',
        skip: { kind: 'not run', reason: 'opens a browser window' },
      },
      {
        line: 19,
        code: '// fragment: the middle of a loop\nstep()\n',
        skip: { kind: 'fragment', reason: 'the middle of a loop' },
      },
    ])
  })
})

describe('statedValue', () => {
  const spec = (comment) => statedValue(comment)?.spec
  it('reads a literal followed by nothing or by : ; , ( — and prose', () => {
    expect(spec(' 3')).toEqual({ type: 'number', value: 3, mode: 'exact', text: '3' })
    expect(spec(' 0.05: halfway')).toEqual({ type: 'number', value: 0.05, mode: 'exact', text: '0.05' })
    expect(spec(' [2, 3]; every element in [-1, 1)')).toEqual({
      type: 'array',
      items: [
        { type: 'number', value: 2, mode: 'exact', text: '2' },
        { type: 'number', value: 3, mode: 'exact', text: '3' },
      ],
    })
    expect(spec(" { kind: 'linear', 'a.b': null } (a config)")).toEqual({
      type: 'object',
      entries: [
        ['kind', { type: 'string', value: 'linear' }],
        ['a.b', { type: 'constant', value: null }],
      ],
    })
    expect(spec(' Uint8Array [0, 0x61]').type).toBe('typed')
    expect(spec(' ≈ 0.0354').mode).toBe('rounded')
    expect(spec(' 0.693… (log 2)').mode).toBe('truncated')
    expect(spec(' −1.5').value).toBe(-1.5)
    expect(spec(' true: the memory holds 1 MiB')).toEqual({ type: 'constant', value: true })
  })

  it('leaves prose alone', () => {
    for (const prose of [
      ' 2 in Node, 1 elsewhere',
      ' y = 2x + 1',
      ' 0.1 / 2 = 0.05',
      ' [batch, time]',
      ' { w: tensor([1]) }',
      ' 2x faster',
      ' ok',
      ' true on Node ≥ 16.4',
    ])
      expect(statedValue(prose)).toBeUndefined()
  })

  it("reads throws '<message>', a trailing … making the message a prefix, and refuses a throws without its message", () => {
    expect(statedValue(` throws 'f: n must be even, got 3'`)).toEqual({
      kind: 'throws',
      message: 'f: n must be even, got 3',
      prefix: false,
    })
    expect(statedValue(' throws "sum: axis must…"')).toEqual({
      kind: 'throws',
      message: 'sum: axis must',
      prefix: true,
    })
    expect(statedValue(' throws').kind).toBe('problem')
    expect(statedValue(" 'a\\nb\\'c'").spec).toEqual({ type: 'string', value: "a\nb'c" })
  })
})

describe('the number rule', () => {
  const agrees = (comment, actual) => mismatch(statedValue(comment).spec, actual) === undefined
  it('plain numbers: to the digits written, at least 6 significant (float32 reads as written), 0 exactly', () => {
    expect(agrees('0.1', Math.fround(0.1))).toBe(true)
    expect(agrees('-0.1', -10 * Math.fround(0.01))).toBe(true) // -0.09999999403953552
    expect(agrees('0.01', 0.1 * 0.1)).toBe(true) // 0.010000000000000002
    expect(agrees('1.6666666269302368', Math.fround(5 / 3))).toBe(true)
    expect(agrees('1.6666666269302368', 5 / 3)).toBe(false)
    expect(agrees('0.05', 0.0501)).toBe(false)
    expect(agrees('2', 2.00001)).toBe(false)
    expect(agrees('0', 1e-18)).toBe(false)
    expect(agrees('0', -0)).toBe(true)
  })

  it('≈ rounds to the decimals written; … cuts them', () => {
    expect(agrees('≈ 0.0354', 0.1 * 0.5 ** 1.5)).toBe(true) // 0.035355…
    expect(agrees('≈ 0.0353', 0.1 * 0.5 ** 1.5)).toBe(false)
    expect(agrees('0.1732…', 0.1732867956161499)).toBe(true)
    expect(agrees('0.1733…', 0.1732867956161499)).toBe(false)
    expect(agrees('-0.693…', -Math.LN2)).toBe(true)
    expect(agrees('≈ [[0.8485, 1.1314]]', [[0.848528, 1.131371]])).toBe(true)
  })

  it('deep-equals arrays, typed arrays by class, tensors by toArray(), objects by their keys, and says where they differ', () => {
    const tensorLike = { shape: [2], toArray: () => [1.5, 1] }
    expect(mismatch(statedValue('{ w: [1.5, 1] }').spec, { w: tensorLike })).toBeUndefined()
    expect(
      mismatch(statedValue('[[1, 2], [3, 5]]').spec, [
        [1, 2],
        [3, 4],
      ]),
    ).toBe('[1][1] is 4, not 5')
    expect(mismatch(statedValue('Float32Array [1, 2]').spec, new Float64Array([1, 2]))).toBe(
      'it is Float64Array [1, 2], not a Float32Array',
    )
    expect(mismatch(statedValue('[1, 2]').spec, [1, 2, 3])).toBe('it has 3 elements, not 2: [1, 2, 3]')
    expect(mismatch(statedValue('{ a: 1 }').spec, { a: 1, b: 2 })).toBe('it has the keys a and also b')
    expect(mismatch(statedValue("'float32'").spec, 'float64')).toBe('it is "float64", not "float32"')
    expect(mismatch(statedValue("'loss 0.25\\n…'").spec, 'loss 0.25\nstep 2')).toBeUndefined()
  })
})

describe('instrument and rewriteImports', () => {
  it('wraps the statements whose trailing comments state a value or an error, and flags stated values it cannot check', () => {
    const code = [
      "import { f } from '@gd/x'",
      'f(1) // 2',
      'const y = f(2) // 4: twice',
      "f(-1) // throws 'f: bad'",
      'await f(3) // 6',
      '// 5 on its own line is prose',
      'for (const k of [1]) { // 7',
      '  f(k) // prose here',
      '}',
      'f(0) // throws',
    ].join('\n')
    const { code: out, checks, problems } = instrument(code, ts)
    expect(out.split('\n').slice(1, 5)).toEqual([
      '__gdDoc.v(0, (f(1))) // 2',
      'const y = __gdDoc.v(1, (f(2))) // 4: twice',
      "__gdDoc.t(2, () => (f(-1))) // throws 'f: bad'",
      '__gdDoc.v(3, (await f(3))) // 6',
    ])
    expect(checks.map((c) => [c.line, c.expr])).toEqual([
      [2, 'f(1)'],
      [3, 'f(2)'],
      [4, 'f(-1)'],
      [5, 'await f(3)'],
    ])
    expect(problems).toEqual([
      {
        line: 7,
        message: '`// 7` states a value, but not at the end of an expression or a declaration: it is not checked',
      },
      { line: 10, message: "`// throws` says it throws but not the message: write throws '<message>'" },
    ])
  })

  it('takes a value or an error from the line below a statement when that line starts with → or throws', () => {
    const code = [
      'f(1)',
      '// → [2, 4]',
      "f('x')",
      "// throws 'f: x is not a number'",
      'f(2)',
      '// 4 is prose here',
      'x',
      '// → y',
    ].join('\n')
    const { checks, problems } = instrument(code, ts)
    expect(checks.map((c) => [c.line, c.expr, c.stated.kind])).toEqual([
      [1, 'f(1)', 'value'],
      [3, "f('x')", 'throws'],
    ])
    expect(problems).toEqual([{ line: 8, message: '`// → y` is not a value' }])
  })

  it('rewrites import, export and import() specifiers', () => {
    const code =
      "import { a } from './a.js'\nimport type { B } from '@gd/b'\nexport { c } from 'c'\nconst d = await import('./d.js')\n"
    expect(rewriteImports(code, ts, (s) => (s.startsWith('c') ? undefined : `/abs/${s}`))).toBe(
      'import { a } from "/abs/./a.js"\nimport type { B } from "/abs/@gd/b"\nexport { c } from \'c\'\nconst d = await import("/abs/./d.js")\n',
    )
  })
})

describe('runExamples', () => {
  it('checks stated values and errors, reports failures, and survives an endless loop (one process for all, one more after the loop)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-examples-test-'))
    try {
      const sources = {
        values: ['const f = (x: number) => 2 * x', 'f(1) // 2', 'f(2) // 5', 'const r = [f(0.05)] // [0.1]'],
        errors: [
          "const g = (): never => { throw new Error('g: bad') }",
          "g() // throws 'g: bad'",
          "g() // throws 'g: good'",
          "1 // throws 'x'",
        ],
        loop: ['while (true) {}'],
        fails: ['const a = 1', "JSON.parse('{')"],
      }
      const runs = Object.entries(sources).map(([name, lines]) => {
        const { code, checks } = instrument(lines.join('\n') + '\n', ts)
        const file = join(dir, `${name}.ts`)
        writeFileSync(file, code)
        return { file, where: `${name}.ts:10`, firstLine: 10, checks }
      })
      const { problems } = await runExamples(runs, 1000)
      expect(problems).toEqual([
        'values.ts:12: `f(2)`: it is 4, not 5 (the comment says 5)',
        'errors.ts:12: `g()` throws "g: bad", the comment says "g: good"',
        'errors.ts:13: `1` returns 1, the comment says it throws',
        'loop.ts:10: did not finish within 1 s (stopped)',
        expect.stringMatching(/^fails\.ts:11: fails: SyntaxError: /),
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
