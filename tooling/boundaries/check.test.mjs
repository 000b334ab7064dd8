import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkBoundaries } from './check.mjs'

// These cases check the checker on scratch workspaces; the real repository is checked by
// `pnpm boundaries`, its own CI step.

/**
 * Builds a small pnpm-like workspace: packages/<name> with package.json, src files, and
 * node_modules/@gd/<dep> symlinks for declared workspace dependencies only (as pnpm links them).
 */
function workspace(spec) {
  const root = mkdtempSync(join(tmpdir(), 'gd-boundaries-'))
  for (const [name, { deps = [], devDeps = {}, files, subpaths = {} }] of Object.entries(spec)) {
    const dir = join(root, 'packages', name)
    mkdirSync(join(dir, 'src'), { recursive: true })
    const dependencies = Object.fromEntries(deps.map((d) => [`@gd/${d}`, 'workspace:^']))
    const manifest = {
      name: `@gd/${name}`,
      version: '0.0.0',
      type: 'module',
      exports: { '.': { '@gd/source': './src/index.ts', import: './dist/index.js' }, ...subpaths },
      dependencies,
      devDependencies: devDeps,
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest))
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true })
      writeFileSync(join(dir, file), text)
    }
    for (const d of [...deps, ...Object.keys(devDeps).map((k) => k.replace('@gd/', ''))]) {
      mkdirSync(join(dir, 'node_modules', '@gd'), { recursive: true })
      symlinkSync(join(root, 'packages', d), join(dir, 'node_modules', '@gd', d), 'dir')
    }
  }
  return root
}

const clean = {
  tensor: { files: { 'src/index.ts': "export * from './shape.js'\n", 'src/shape.ts': 'export const x = 1\n' } },
  autograd: {
    deps: ['tensor'],
    files: { 'src/index.ts': "import { x } from '@gd/tensor'\nexport const y = x\n" },
  },
}

let roots = []
const make = (spec) => {
  const root = workspace(spec)
  roots.push(root)
  return root
}
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
  roots = []
})

describe('checkBoundaries', () => {
  it('passes a workspace that keeps its boundaries', async () => {
    expect(await checkBoundaries(make(clean))).toEqual([])
  })

  it('catches a package.json that declares a forbidden workspace dependency', async () => {
    const root = make({
      ...clean,
      tensor: { ...clean.tensor, deps: ['autograd'] },
    })
    const problems = await checkBoundaries(root)
    expect(problems).toContain(
      'packages/tensor/package.json: dependencies lists @gd/autograd, but @gd/tensor may depend only on nothing in the workspace',
    )
  })

  it('catches an import of an undeclared workspace package', async () => {
    const root = make({
      ...clean,
      tensor: { files: { ...clean.tensor.files, 'src/bad.ts': "export { y } from '@gd/autograd'\n" } },
    })
    const problems = await checkBoundaries(root)
    expect(problems).toContain('unresolvable: packages/tensor/src/bad.ts -> @gd/autograd')
  })

  it('catches an import of a package only the workspace root has (hoisted or a root devDependency)', async () => {
    const root = make({
      ...clean,
      tensor: { files: { ...clean.tensor.files, 'src/bad.ts': "export { pad } from 'leftpad'\n" } },
    })
    mkdirSync(join(root, 'node_modules', 'leftpad'), { recursive: true })
    writeFileSync(join(root, 'node_modules', 'leftpad', 'package.json'), '{"name":"leftpad","main":"index.js"}')
    writeFileSync(join(root, 'node_modules', 'leftpad', 'index.js'), 'exports.pad = 1\n')
    const problems = await checkBoundaries(root)
    expect(problems).toContain('undeclared-package: packages/tensor/src/bad.ts -> node_modules/leftpad/index.js')
  })

  it('catches a deep import into another package', async () => {
    const root = make({
      ...clean,
      autograd: { deps: ['tensor'], files: { 'src/index.ts': "export { x } from '../../tensor/src/shape.js'\n" } },
    })
    const problems = await checkBoundaries(root)
    expect(problems).toContain('deep-import: packages/autograd/src/index.ts -> packages/tensor/src/shape.ts')
  })

  it('catches a module that the package index does not re-export', async () => {
    const root = make({
      ...clean,
      tensor: { files: { ...clean.tensor.files, 'src/orphan.ts': 'export const o = 1\n' } },
    })
    expect(await checkBoundaries(root)).toContain('packages/tensor/src/index.ts: does not re-export ./orphan.js')
  })

  it('catches a module of a public sub-folder that no entry re-exports and nothing imports', async () => {
    const root = make({
      ...clean,
      tensor: {
        files: {
          'src/index.ts': "export * from './ops/add.js'\n",
          'src/ops/add.ts': "import { twice } from './helper.js'\nexport const add = () => twice\n",
          'src/ops/helper.ts': 'export const twice = 2\n',
          'src/ops/forgotten.ts': 'export const f = 1\n',
          'src/ops/forgotten.test.ts': "import { f } from './forgotten.js'\nexport const t = f\n",
          'src/internal/private.ts': 'export const p = 1\n',
        },
      },
    })
    expect(await checkBoundaries(root)).toEqual([
      'packages/tensor/src/ops/forgotten.ts: src/ops/ is public (an entry re-exports from it) but no entry re-exports ./ops/forgotten.js and no module imports it',
    ])
  })

  it('counts what a subpath entry re-exports from a sub-folder as public', async () => {
    const root = make({
      ...clean,
      tensor: {
        files: {
          'src/index.ts': "export { a } from './core/a.js'\n",
          'src/extend.ts': "export { b } from './core/b.js'\n",
          'src/core/a.ts': 'export const a = 1\n',
          'src/core/b.ts': 'export const b = 2\n',
        },
        subpaths: { './extend': { '@gd/source': './src/extend.ts', import: './dist/extend.js' } },
      },
    })
    expect(await checkBoundaries(root)).toEqual([])
  })

  it('accepts a module that is the entry of a subpath export, not re-exported, and imports of it', async () => {
    const root = make({
      ...clean,
      tensor: {
        files: { ...clean.tensor.files, 'src/extra.ts': 'export const e = 1\n' },
        subpaths: { './extra': { '@gd/source': './src/extra.ts', import: './dist/extra.js' } },
      },
      autograd: { deps: ['tensor'], files: { 'src/index.ts': "export { e } from '@gd/tensor/extra'\n" } },
    })
    expect(await checkBoundaries(root)).toEqual([])
  })

  it('accepts a top-level module that only a subpath entry re-exports', async () => {
    const root = make({
      ...clean,
      tensor: {
        files: {
          ...clean.tensor.files,
          'src/internal.ts': "export { h } from './helper.js'\n",
          'src/helper.ts': 'export const h = 1\n',
        },
        subpaths: { './internal': { '@gd/source': './src/internal.ts', import: './dist/internal.js' } },
      },
    })
    expect(await checkBoundaries(root)).toEqual([])
  })

  it('lets packages import a ./internal subpath, but not apps or tooling', async () => {
    const root = make({
      ...clean,
      tensor: {
        files: { ...clean.tensor.files, 'src/internal.ts': 'export const h = 1\n' },
        subpaths: { './internal': { '@gd/source': './src/internal.ts', import: './dist/internal.js' } },
      },
      autograd: { deps: ['tensor'], files: { 'src/index.ts': "export { h } from '@gd/tensor/internal'\n" } },
    })
    for (const where of ['apps/demo', 'tooling/consumer']) {
      mkdirSync(join(root, where, 'src'), { recursive: true })
      writeFileSync(
        join(root, where, 'package.json'),
        JSON.stringify({ name: where, private: true, dependencies: { '@gd/tensor': 'workspace:*' } }),
      )
      writeFileSync(
        join(root, where, 'src/main.ts'),
        "import { x } from '@gd/tensor'\nimport { h } from '@gd/tensor/internal'\nexport const z = x + h\n",
      )
      mkdirSync(join(root, where, 'node_modules', '@gd'), { recursive: true })
      symlinkSync(join(root, 'packages', 'tensor'), join(root, where, 'node_modules', '@gd', 'tensor'), 'dir')
    }
    expect(await checkBoundaries(root)).toEqual([
      'internal-subpath: apps/demo/src/main.ts -> packages/tensor/src/internal.ts',
      'internal-subpath: tooling/consumer/src/main.ts -> packages/tensor/src/internal.ts',
    ])
  })

  it('catches a cycle', async () => {
    const root = make({
      ...clean,
      tensor: {
        files: {
          'src/index.ts': "export * from './a.js'\n",
          'src/a.ts': "import { b } from './b.js'\nexport const a = () => b\n",
          'src/b.ts': "import { a } from './a.js'\nexport const b = () => a\n",
        },
      },
    })
    const problems = await checkBoundaries(root)
    expect(problems.join('\n')).toMatch(
      /^no-cycle: packages\/tensor\/src\/[ab]\.ts -> packages\/tensor\/src\/[ab]\.ts$/m,
    )
  })

  it('catches an import that crosses the allowed graph even when declared', async () => {
    const root = make({
      ...clean,
      tensor: {
        deps: ['autograd'],
        files: { ...clean.tensor.files, 'src/bad.ts': "export { y } from '@gd/autograd'\n" },
      },
      autograd: { files: { 'src/index.ts': 'export const y = 2\n' } },
    })
    const problems = await checkBoundaries(root)
    expect(problems).toContain('allowed-graph-tensor: packages/tensor/src/bad.ts -> packages/autograd/src/index.ts')
  })

  it('lets shipped code import the bundled @gd/check as a devDependency, but no other dev package', async () => {
    const root = make({
      ...clean,
      check: { files: { 'src/index.ts': 'export const fail = 1\n' } },
      testing: { files: { 'src/index.ts': 'export const arb = 1\n' } },
      tensor: {
        devDeps: { '@gd/check': 'workspace:*', '@gd/testing': 'workspace:*' },
        files: {
          'src/index.ts': "export * from './ok.js'\nexport * from './bad.js'\n",
          'src/ok.ts': "export { fail } from '@gd/check'\n",
          'src/bad.ts': "export { arb } from '@gd/testing'\n",
        },
      },
    })
    const problems = await checkBoundaries(root)
    expect(problems).toEqual(['allowed-graph-tensor: packages/tensor/src/bad.ts -> packages/testing/src/index.ts'])
  })
})
