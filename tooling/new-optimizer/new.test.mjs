// The contributor path, end to end: scaffold an optimizer into a copy of @gd/optimizers (and a copy of
// the docs' optimizer index), see its conformance test fail while the rule is a TODO, write the rule,
// see it pass.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scaffold } from './new.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const pkgSource = join(root, 'packages', 'optimizers')
// Made when the tests start, not when they are collected (so `vitest list` leaves nothing behind);
// inside the workspace, so the copy resolves @gd/* through a link to the real package's node_modules.
let work, pkg, changesets, docsIndex

function copyPackage() {
  work = mkdtempSync(join(here, '.tmp-'))
  pkg = join(work, 'optimizers')
  changesets = join(work, 'changesets')
  docsIndex = join(work, 'docs', 'optimizers.md')
  mkdirSync(pkg)
  mkdirSync(changesets)
  for (const f of ['src', 'test', 'package.json', 'tsconfig.json', 'vitest.config.js', 'README.md']) {
    cpSync(join(pkgSource, f), join(pkg, f), { recursive: true })
  }
  symlinkSync(join(pkgSource, 'node_modules'), join(pkg, 'node_modules'), 'dir')
  mkdirSync(dirname(docsIndex))
  cpSync(join(root, 'apps', 'docs', 'guide', 'optimizers.md'), docsIndex)
}

/** The names the rows of a marked table of the docs' optimizer index link, in page order. */
function rowNames(block) {
  const page = readFileSync(docsIndex, 'utf8')
  const text = page.slice(page.indexOf(`<!-- index:${block}`), page.indexOf(`<!-- /index:${block} -->`))
  return [...text.matchAll(/^\| \[`(\w+)`\]\(\/api\/functions\/_gd_optimizers\.index\.(\w+)\.html\)/gm)].map((m) =>
    m[1] === m[2] ? m[1] : `${m[1]} -> ${m[2]}`,
  )
}

function runTest(name) {
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
  try {
    execFileSync('node', [vitest, 'run', '--root', pkg, `src/optimizers/${name}.test.ts`], {
      cwd: pkg,
      stdio: 'pipe',
      encoding: 'utf8',
    })
    return { passed: true, output: '' }
  } catch (error) {
    return { passed: false, output: `${error.stdout}${error.stderr}` }
  }
}

describe('pnpm new:optimizer', () => {
  beforeAll(copyPackage)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('refuses a docs index page without its marked tables, before writing anything', () => {
    const bare = join(work, 'docs', 'bare.md')
    writeFileSync(bare, '# Optimizers\n\n| optimizer | update rule |\n| --- | --- |\n')
    expect(() => scaffold('emaMomentum', pkg, changesets, bare)).toThrow(
      `new:optimizer: ${bare} has no <!-- index:named --> … <!-- /index:named --> block`,
    )
    expect(existsSync(join(pkg, 'src', 'optimizers', 'emaMomentum.ts'))).toBe(false)
  })

  it('writes the optimizer, its test, the index and README lines, the docs index lines and a changeset', () => {
    const named = rowNames('named')
    const scalings = rowNames('scalings')
    const files = scaffold('emaMomentum', pkg, changesets, docsIndex)
    expect(files.map((f) => f.slice(work.length + 1))).toEqual([
      'optimizers/src/optimizers/emaMomentum.ts',
      'optimizers/src/optimizers/emaMomentum.test.ts',
      'optimizers/src/index.ts',
      'optimizers/README.md',
      'docs/optimizers.md',
      'changesets/optimizers-emaMomentum.md',
    ])
    expect(readFileSync(join(pkg, 'src', 'index.ts'), 'utf8')).toContain("export * from './optimizers/emaMomentum.js'")
    // One new row in each table, linked to the API page typedoc will make for it, in alphabetical order.
    expect(rowNames('named')).toEqual([...named, 'emaMomentum'].sort((a, b) => a.localeCompare(b)))
    expect(rowNames('named').indexOf('emaMomentum')).toBe(named.indexOf('adamw') + 1)
    expect(rowNames('scalings')).toEqual([...scalings, 'scaleByEmaMomentum'].sort((a, b) => a.localeCompare(b)))
    expect(readFileSync(docsIndex, 'utf8')).toContain(
      '| [`emaMomentum`](/api/functions/_gd_optimizers.index.emaMomentum.html) | TODO: the update rule in one line',
    )
    expect(() => scaffold('emaMomentum', pkg, changesets, docsIndex)).toThrow(/already exists/)
    expect(() => scaffold('Bad-Name', pkg, changesets, docsIndex)).toThrow(
      'new:optimizer: name must be camelCase letters and digits starting with a lower-case letter, got "Bad-Name"',
    )
  })

  it('fails its conformance test until the rule is written, then passes', () => {
    const before = runTest('emaMomentum')
    expect(before.passed).toBe(false)
    expect(before.output).toContain('emaMomentum: write the scalar reference of the update rule')
    // Write the rule (an exponential moving average of the gradient) and its scalar reference.
    const src = join(pkg, 'src', 'optimizers', 'emaMomentum.ts')
    writeFileSync(
      src,
      readFileSync(src, 'utf8').replace('m[i] = g[i]! + 0 * beta', 'm[i] = beta * m[i]! + (1 - beta) * g[i]!'),
    )
    const test = join(pkg, 'src', 'optimizers', 'emaMomentum.test.ts')
    const filled = readFileSync(test, 'utf8')
      .replace(
        /throw new Error\(`emaMomentum: write the scalar reference[^\n]*\n/,
        's.m = o.beta * s.m + (1 - o.beta) * g\n      return p - o.learningRate * s.m + 0 * t\n',
      )
      .replace(
        'rosenbrock: { options: { learningRate: 1e-3 }, steps: 20000, tolerance: 1e-4 }',
        'rosenbrock: { options: { learningRate: 2e-3 }, steps: 40000, tolerance: 1e-3 }',
      )
    writeFileSync(test, filled)
    const after = runTest('emaMomentum')
    expect(after.output).toBe('')
    expect(after.passed).toBe(true)
  }, 120_000)
})
