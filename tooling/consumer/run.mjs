#!/usr/bin/env node
// The consumer test: packs every public @gd package (after `pnpm build`), installs the tarballs into a
// fresh project outside the workspace with plain npm, and there uses them as a user would. Then checks
// the size budgets written in each package.json. Exits non-zero on any failure.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkBudgets } from './budgets.mjs'
import { runInBrowser } from './browser.mjs'
import { packAll, publicPackages } from './pack.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

function main() {
  const work = mkdtempSync(join(tmpdir(), 'gd-consumer-'))
  const tarballs = join(work, 'tarballs')
  const project = join(work, 'project')
  mkdirSync(project)
  try {
    const packages = publicPackages()
    const files = packAll(tarballs)
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'gd-consumer-project', private: true, version: '1.0.0' }),
    )
    // All @gd tarballs at once, so they satisfy each other; nothing else is needed at run time.
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], project)
    console.log(`consumer: installed ${files.length} tarballs into ${project}`)
    cpSync(join(here, 'fixtures'), project, { recursive: true })
    process.stdout.write(run('node', ['esm.mjs'], project))
    process.stdout.write(run('node', ['cjs.cjs'], project))
    process.stdout.write(run('node', ['train.mjs'], project))
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022'],
          types: [],
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    )
    run('node', [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], project)
    console.log('typescript: consumer.ts type-checks under strict against the installed .d.ts files')
    const bundle = join(project, 'browser.bundle.js')
    run(
      join(here, 'node_modules', '.bin', 'esbuild'),
      ['browser.mjs', '--bundle', '--format=esm', '--platform=browser', `--outfile=${bundle}`],
      project,
    )
    return runInBrowser(bundle).then((result) => {
      const expected = '{"gradient":[2,4,6],"names":8422,"characters":27}'
      if (result !== expected) throw new Error(`browser: expected ${expected}, got ${result}`)
      console.log(
        `browser: the esbuild bundle computed the gradient [2,4,6] and read 8422 first names in headless Chromium`,
      )
      const failures = checkBudgets(project, packages)
      if (failures > 0) throw new Error(`budgets: ${failures} budget(s) exceeded`)
    })
  } finally {
    process.on('exit', () => rmSync(work, { recursive: true, force: true }))
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
