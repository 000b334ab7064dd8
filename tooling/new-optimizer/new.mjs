#!/usr/bin/env node
// pnpm new:optimizer <name>: creates packages/optimizers/src/optimizers/<name>.ts (a transform with its
// state, the named optimizer, TSDoc skeleton), <name>.test.ts beside it (one conformance-suite call), the index and README
// lines, the lines in the docs' optimizer index (apps/docs/guide/optimizers.md) and a changeset. The
// generated test fails until the update rule and its scalar reference are written: both are marked TODO.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

const upper = (s) => s[0].toUpperCase() + s.slice(1)

function source(name) {
  const N = upper(name)
  return `import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { chain, type ChainState } from '../core/chain.js'
import { elementwise } from '../core/elementwise.js'
import { hyperRule, nonNegative, numberRule, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link scaleBy${N}}. */
export interface ScaleBy${N}Options {
  /** TODO: describe. Default 0.9. */
  beta?: number
}

/** State of {@link scaleBy${N}}: one buffer per parameter leaf. */
export interface ${N}State {
  readonly m: FloatArray[]
}

/**
 * TODO: one line on what ${name} does.
 *
 * TODO: the update rule, e.g. mₜ = β mₜ₋₁ + (1 − β) gₜ;  uₜ = mₜ
 *
 * @see TODO: link to the paper
 * @example
 * \`\`\`ts
 * import { scaleBy${N} } from '@gd/optimizers'
 * const tx = scaleBy${N}({ beta: 0.9 })
 * \`\`\`
 */
export function scaleBy${N}(options?: ScaleBy${N}Options): GradientTransformation<${N}State> {
  const fn = 'scaleBy${N}'
  const o = resolveOptions(fn, options, { beta: 0.9 }, { beta: numberRule(unitInterval) })
  return elementwise<${N}State>(
    fn,
    (params) => ({ m: buffersLike(fn, params, 0) }),
    (state) => ({
      state,
      kernel: (k, g, out, base, factor) => ${name}Loop(g, state.m[k]!, out, base, factor, o.beta),
    }),
    { sizes: (s) => bufferSizes(s.m) },
  )
}

function ${name}Loop(g: FloatArray, m: FloatArray, out: FloatArray, base: FloatArray | null, factor: number, beta: number): void {
  for (let i = 0; i < g.length; i++) {
    // TODO: write the update rule; this placeholder passes the gradient through unchanged.
    m[i] = g[i]! + 0 * beta
    const u = m[i]!
    out[i] = base === null ? u : base[i]! + factor * u
  }
}

/** Options of {@link ${name}}. */
export interface ${N}Options extends ScaleBy${N}Options {
  /** η, a number or a schedule. Default 1e-3. */
  learningRate?: Hyper
}

/**
 * ${name}: \`chain(scaleBy${N}(o), scaleByLearningRate(learningRate))\`.
 *
 * TODO: the rule as the paper writes it, and the defaults it uses.
 *
 * @see TODO: link to the paper
 * @throws Error \`${name}: beta must be in [0, 1), got 1\`.
 * @example
 * \`\`\`ts
 * import { ${name} } from '@gd/optimizers'
 * const opt = ${name}({ learningRate: 1e-3 })
 * \`\`\`
 */
export function ${name}(options?: ${N}Options): Optimizer<ChainState> {
  const o = resolveOptions('${name}', options, { learningRate: 1e-3, beta: 0.9 }, {
    learningRate: hyperRule(nonNegative),
    beta: numberRule(unitInterval),
  })
  return chain(scaleBy${N}({ beta: o.beta }), scaleByLearningRate(o.learningRate))
}
`
}

function test(name) {
  return `import { optimizerConformance } from '@gd/testing'
import { kit, perElement } from '../../test/kit.js'
import { ${name} } from '../index.js'

// The scalar reference, written from the paper's pseudocode, one coordinate at a time.
// Hand-worked first step (TODO): with g = …, θ = …, η = …: θ₁ = …
type O = { learningRate: number; beta: number }
const reference = (o: O) =>
  perElement(
    () => ({ m: 0 }),
    (g, p, s, t) => {
      // TODO: the update rule for one coordinate; return the new parameter value.
      throw new Error(\`${name}: write the scalar reference of the update rule (step \${t}, g \${g}, θ \${p}, β \${o.beta}, m \${s.m})\`)
    },
  )

optimizerConformance({
  name: '${name}',
  make: ${name},
  kit,
  quadratic: { options: { learningRate: 0.1 }, steps: 500, tolerance: 1e-6 },
  rosenbrock: { options: { learningRate: 1e-3 }, steps: 20000, tolerance: 1e-4 },
  reference: { options: { learningRate: 0.01, beta: 0.9 }, make: reference },
  options: { learningRate: 0.01, beta: 0.5 },
  schedule: true,
  zeroGradient: 'stays',
  invalid: [[{ beta: 1 }, '${name}: beta must be in [0, 1), got 1']],
})
`
}

/** Inserts `line` into a sorted block of similar lines, keeping the order. */
function insertSorted(text, line, match) {
  const lines = text.split('\n')
  if (lines.includes(line)) return text
  const idx = lines.findIndex((l) => match(l) && l.localeCompare(line) > 0)
  const last = lines.map(match).lastIndexOf(true)
  lines.splice(idx >= 0 ? idx : last + 1, 0, line)
  return lines.join('\n')
}

/** The rows of the docs' optimizer index for `name`: its API page and a TODO for the rule. */
export const docsRows = (name) => ({
  named: `| [\`${name}\`](/api/functions/_gd_optimizers.index.${name}.html) | TODO: the update rule in one line, e.g. m = βm + (1 − β)g, θ ← θ − η·m |`,
  scalings: `| [\`scaleBy${upper(name)}\`](/api/functions/_gd_optimizers.index.scaleBy${upper(name)}.html) | TODO: the direction in one line, e.g. u = m |`,
})

/**
 * Adds `row` (whose first cell links `name`) to the table between the page's `<!-- index:<block>`
 * and `<!-- /index:<block> -->` markers, keeping the rows in alphabetical order.
 */
function addRow(text, block, row, name, file) {
  const start = text.indexOf(`<!-- index:${block}`)
  const end = text.indexOf(`<!-- /index:${block} -->`)
  if (start < 0 || end < start)
    throw new Error(`new:optimizer: ${file} has no <!-- index:${block} --> … <!-- /index:${block} --> block`)
  const lines = text.slice(start, end).split('\n')
  const nameOf = (l) => /^\| \[`(\w+)`\]/.exec(l)?.[1]
  const rows = lines.map((l, i) => [nameOf(l), i]).filter(([n]) => n !== undefined)
  const after = rows.find(([n]) => n.localeCompare(name) > 0)
  const at = after ? after[1] : rows.length > 0 ? rows.at(-1)[1] + 1 : lines.length - 1
  lines.splice(at, 0, row)
  return text.slice(0, start) + lines.join('\n') + text.slice(end)
}

/** The docs' optimizer index with the named optimizer's row and its transform's row added. */
function addDocsRows(text, name, file) {
  const rows = docsRows(name)
  return addRow(addRow(text, 'named', rows.named, name, file), 'scalings', rows.scalings, `scaleBy${upper(name)}`, file)
}

/**
 * Scaffolds optimizer `name` into the optimizers package at `pkg`, its changeset into `changesets`
 * and its lines into the docs' optimizer index page `docsIndex`. Returns the files written.
 */
export function scaffold(name, pkg, changesets, docsIndex) {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) {
    throw new Error(
      `new:optimizer: name must be camelCase letters and digits starting with a lower-case letter, got ${JSON.stringify(name)}`,
    )
  }
  const dir = join(pkg, 'src', 'optimizers')
  const src = join(dir, `${name}.ts`)
  if (existsSync(src)) throw new Error(`new:optimizer: ${src} already exists`)
  // Read the index page first, so a page without its markers stops the scaffold before it writes anything.
  const docs = addDocsRows(readFileSync(docsIndex, 'utf8'), name, docsIndex)
  writeFileSync(src, source(name))
  writeFileSync(join(dir, `${name}.test.ts`), test(name))
  const index = join(pkg, 'src', 'index.ts')
  writeFileSync(
    index,
    insertSorted(readFileSync(index, 'utf8'), `export * from './optimizers/${name}.js'`, (l) =>
      l.startsWith("export * from './optimizers/"),
    ),
  )
  const readme = join(pkg, 'README.md')
  const listed = readFileSync(readme, 'utf8').replace('`signSgd`, `rprop`)', `\`signSgd\`, \`rprop\`, \`${name}\`)`)
  writeFileSync(readme, listed)
  writeFileSync(docsIndex, docs)
  const changeset = join(changesets, `optimizers-${name}.md`)
  writeFileSync(
    changeset,
    `---\n'@gd/optimizers': minor\n---\n\nNew optimizer \`${name}\` (TODO: one sentence on what it is, with the paper).\n`,
  )
  return [src, join(dir, `${name}.test.ts`), index, readme, docsIndex, changeset]
}

/**
 * Rewrites `files` in the repository's Prettier style, so the scaffold passes `pnpm format:check` as
 * written: runs the root's Prettier command line (as `pnpm format` does) rather than importing the
 * package, which this tool's package.json does not declare.
 */
function formatFiles(files) {
  const cli = join(here, '..', '..', 'node_modules', 'prettier', 'bin', 'prettier.cjs')
  execFileSync(process.execPath, [cli, '--write', '--log-level', 'warn', ...files], { stdio: 'inherit' })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const name = process.argv[2]
  if (name === undefined) {
    console.error('usage: pnpm new:optimizer <name>   (camelCase, e.g. adafactor)')
    process.exit(2)
  }
  const root = join(here, '..', '..')
  try {
    const files = scaffold(
      name,
      join(root, 'packages', 'optimizers'),
      join(root, '.changeset'),
      join(root, 'apps', 'docs', 'guide', 'optimizers.md'),
    )
    formatFiles(files)
    console.log(
      `new:optimizer: wrote\n  ${files.join('\n  ')}\nFill in every TODO: the update rule in the loop, the scalar reference in the test, the TSDoc, the docs index line. The conformance test fails until the rule and its reference are written.`,
    )
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
