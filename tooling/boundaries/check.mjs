#!/usr/bin/env node
// Enforces the allowed dependency graph between @gd packages (see allowed.json):
//  1. package.json: each package declares only the workspace packages it is allowed to use;
//  2. imports (via dependency-cruiser): only declared packages, no deep imports into another
//     package's files, no relative paths out of a package, no dev-only packages in shipped code,
//     no cycles, and a package's ./internal subpath (e.g. @gd/tensor/internal) only from packages/*.
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cruise } from 'dependency-cruiser'

const here = fileURLToPath(new URL('.', import.meta.url))
const allowed = JSON.parse(readFileSync(join(here, 'allowed.json'), 'utf8'))

/** Workspace packages that any package may list as devDependencies (test and build tooling). */
const devOnly = new Set(['@gd/testing', '@gd/tsconfig', '@gd/vitest-config'])
/**
 * Private workspace packages that any package may import from shipped code, as a devDependency:
 * the build bundles them in, so they are never a published dependency.
 */
const bundled = new Set(['@gd/check'])
/** Test code: *.test.ts anywhere, and everything under a package's test/ folder. */
const testFiles = '(\\.test\\.ts$|^packages/[^/]+/test/)'
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function readPackages(root) {
  const dir = join(root, 'packages')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) }))
}

function allowedFor(name) {
  const list = allowed[name]
  if (list === undefined) return null
  return list
}

function checkManifests(packages) {
  const problems = []
  for (const { name, json } of packages) {
    const list = allowedFor(name)
    if (list === null) {
      problems.push(
        `packages/${name}: not listed in tooling/boundaries/allowed.json; add it with its allowed dependencies`,
      )
      continue
    }
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
      for (const dep of Object.keys(json[field] ?? {})) {
        if (!dep.startsWith('@gd/')) continue
        if (field === 'devDependencies' && (devOnly.has(dep) || bundled.has(dep))) continue
        const target = dep.slice('@gd/'.length)
        if (list !== '*' && !list.includes(target)) {
          problems.push(
            `packages/${name}/package.json: ${field} lists ${dep}, but @gd/${name} may depend only on ${
              list.length ? list.map((d) => `@gd/${d}`).join(', ') : 'nothing in the workspace'
            }`,
          )
        }
      }
    }
  }
  return problems
}

/** The source files of a package's subpath exports (`"./threads": { "@gd/source": "./src/threads.ts" }` gives `src/threads.ts`). */
function subpathEntries(json) {
  return Object.entries(json.exports ?? {})
    .filter(([subpath, target]) => subpath !== '.' && typeof target === 'object' && target !== null)
    .map(([, target]) => target['@gd/source'])
    .filter((file) => typeof file === 'string')
    .map((file) => file.replace(/^\.\//, ''))
}

/**
 * The source files of `./internal` subpath exports (`@gd/tensor/internal`): helpers for @gd's own packages, which
 * apps and tooling (written as user code) must not import.
 */
function internalEntries(json) {
  const target = json.exports?.['./internal']
  const file = typeof target === 'object' && target !== null ? target['@gd/source'] : undefined
  return typeof file === 'string' ? [file.replace(/^\.\//, '')] : []
}

/** Where the bundled packages live, as paths dependency-cruiser resolves them to. */
const bundledPaths = [...bundled].map((dep) => `^packages/${esc(dep.slice('@gd/'.length))}/`)

function rules(packages) {
  const entries = packages.flatMap(({ name, json }) =>
    subpathEntries(json).map((f) => `^packages/${esc(name)}/${esc(f)}$`),
  )
  const forbidden = [
    { name: 'no-cycle', severity: 'error', from: {}, to: { circular: true } },
    { name: 'unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
    {
      name: 'undeclared-package',
      comment: 'imports a package its package.json does not declare',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'dev-package-in-shipped-code',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: testFiles },
      to: { dependencyTypes: ['npm-dev'], pathNot: bundledPaths },
    },
    {
      name: 'deep-import',
      comment: 'another package may be reached only through its public entries (src/index.ts, subpath exports)',
      severity: 'error',
      from: { path: '^(packages|apps|tooling)/([^/]+)/' },
      to: { path: '^packages/[^/]+/', pathNot: ['^$1/$2/', '^packages/[^/]+/src/index\\.ts$', ...entries] },
    },
  ]
  const internals = packages.flatMap(({ name, json }) =>
    internalEntries(json).map((f) => `^packages/${esc(name)}/${esc(f)}$`),
  )
  if (internals.length > 0) {
    forbidden.push({
      name: 'internal-subpath',
      comment: "a package's ./internal subpath is for @gd's own packages; apps and tooling import what users import",
      severity: 'error',
      from: { path: '^(apps|tooling)/' },
      to: { path: internals },
    })
  }
  for (const { name } of packages) {
    const list = allowedFor(name)
    if (list === null || list === '*') continue
    const ok = [name, ...list, ...[...bundled].map((dep) => dep.slice('@gd/'.length))].map(esc).join('|')
    forbidden.push({
      name: `allowed-graph-${name}`,
      severity: 'error',
      from: { path: `^packages/${esc(name)}/`, pathNot: testFiles },
      to: { path: '^packages/', pathNot: `^packages/(${ok})/` },
    })
    forbidden.push({
      name: `allowed-graph-${name}-tests`,
      severity: 'error',
      from: { path: `^packages/${esc(name)}/(test/|.*\\.test\\.ts$)` },
      to: { path: '^packages/', pathNot: `^packages/(${ok}|testing)/` },
    })
  }
  return { forbidden }
}

/**
 * Every top-level module of a package's src/ is part of its public face: src/index.ts or a subpath
 * entry (`@gd/tensor/internal`'s src/internal.ts) must re-export it, unless it is itself the entry of a
 * subpath export (`"./threads": { "@gd/source": "./src/threads.ts", ... }`). A sub-folder that an entry (src/index.ts or a subpath entry)
 * re-exports from (`export * from './optimizers/adam.js'`) is public too: each module in it must be
 * re-exported by one of the entries or be a helper that another module of the package imports, so a
 * new file in src/optimizers/ cannot be forgotten. Sub-folders no entry re-exports from
 * (src/internal/, src/kernels/) are private.
 */
function checkPublicFaces(root, packages) {
  const problems = []
  for (const { name, json } of packages) {
    const src = join(root, 'packages', name, 'src')
    const indexFile = join(src, 'index.ts')
    if (!existsSync(indexFile)) continue
    const index = readFileSync(indexFile, 'utf8')
    const entries = new Set(subpathEntries(json))
    // what the entries re-export, as './dir/file.js' specifiers
    const entryTexts = [
      index,
      ...[...entries]
        .map((f) => join(root, 'packages', name, f))
        .filter((f) => existsSync(f) && f.endsWith('.ts'))
        .map((f) => readFileSync(f, 'utf8')),
    ]
    const reexported = new Set(
      entryTexts.flatMap((t) => [...t.matchAll(/^export\b[^;]*?\bfrom\s+'(\.\/[^']+)'/gms)].map((m) => m[1])),
    )
    for (const file of readdirSync(src)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'index.ts' || file.endsWith('.d.ts')) continue
      if (entries.has(`src/${file}`)) continue
      const mod = `./${file.replace(/\.ts$/, '.js')}`
      if (!index.includes(`'${mod}'`) && !reexported.has(mod))
        problems.push(`packages/${name}/src/index.ts: does not re-export ${mod}`)
    }
    // every module some non-test module of the package imports (relative specifiers, resolved)
    const imported = new Set()
    const walk = (dir) => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, f.name)
        if (f.isDirectory()) walk(path)
        else if (f.name.endsWith('.ts') && !f.name.endsWith('.test.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)\.js'/g)) {
            imported.add(resolve(dir, `${m[1]}.ts`))
          }
        }
      }
    }
    walk(src)
    const publicDirs = new Set([...reexported].filter((m) => m.split('/').length === 3).map((m) => m.split('/')[1]))
    for (const dir of publicDirs) {
      if (!existsSync(join(src, dir))) continue
      for (const file of readdirSync(join(src, dir))) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('.d.ts')) continue
        const mod = `./${dir}/${file.replace(/\.ts$/, '.js')}`
        if (!reexported.has(mod) && !imported.has(join(src, dir, file))) {
          problems.push(
            `packages/${name}/src/${dir}/${file}: src/${dir}/ is public (an entry re-exports from it) but no entry re-exports ${mod} and no module imports it`,
          )
        }
      }
    }
  }
  return problems
}

/**
 * Checks the workspace at `root` and returns a list of problems (empty when the boundaries hold).
 * @param {string} root
 * @returns {Promise<string[]>}
 */
export async function checkBoundaries(root) {
  const packages = readPackages(root)
  const problems = [...checkManifests(packages), ...checkPublicFaces(root, packages)]
  const dirs = ['packages', 'apps', 'tooling'].filter((d) => existsSync(join(root, d)))
  const cwd = process.cwd()
  process.chdir(root)
  try {
    const result = await cruise(
      dirs,
      {
        validate: true,
        ruleSet: rules(packages),
        doNotFollow: { path: 'node_modules' },
        exclude: {
          path: [
            '/dist/',
            'tooling/consumer/fixtures/',
            '\\.vitepress/(cache|dist|\\.temp)',
            'tooling/snippets/\\.run/',
            '/\\.ort/',
          ],
        },
        tsPreCompilationDeps: true,
        combinedDependencies: false,
        enhancedResolveOptions: {
          exportsFields: ['exports'],
          conditionNames: ['@gd/source', 'import', 'require', 'node', 'default', 'types'],
          mainFields: ['module', 'main', 'types'],
        },
      },
      {},
    )
    for (const v of result.output.summary.violations) {
      const where = v.cycle ? v.cycle.map((c) => c.name ?? c).join(' -> ') : `${v.from} -> ${v.to}`
      problems.push(`${v.rule.name}: ${where}`)
    }
  } finally {
    process.chdir(cwd)
  }
  return problems
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(here, '..', '..'))
  const problems = await checkBoundaries(root)
  if (problems.length > 0) {
    console.error(`boundaries: ${problems.length} violation(s):\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.log('boundaries: every package stays within its allowed dependencies')
}
