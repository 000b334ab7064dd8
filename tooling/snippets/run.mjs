#!/usr/bin/env node
// `pnpm snippets`: every TypeScript and JavaScript block in the READMEs and the docs guide runs as written, each on its
// own in a fresh folder, from the packages' TypeScript source (the `@gd/source` condition and tsx, as the tests run
// them); the TypeScript blocks then type-check together under the packages' strict settings; every pnpm command they
// show must name a script that exists. A block that cannot run (a type signature, a
// fragment) says why with `<!-- snippet: not run (reason) -->` on the line before it. Exits non-zero on any failure.
// `--only <text>` runs the blocks of the files whose path contains the text.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeBlocks, commandProblem, pnpmCommands, runnable } from './snippets.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const tsx = join(here, 'node_modules', 'tsx', 'dist', 'loader.mjs')

/** The Markdown files users read: the READMEs and the docs site's pages (not the generated API reference). */
function markdownFiles() {
  const readmes = ['packages', 'apps', 'tooling'].flatMap((group) =>
    readdirSync(join(root, group)).map((dir) => join(group, dir, 'README.md')),
  )
  const docs = (dir) =>
    readdirSync(join(root, dir)).flatMap((f) => {
      const path = join(dir, f)
      if (['api', 'node_modules', '.vitepress', 'public'].includes(f)) return []
      if (statSync(join(root, path)).isDirectory()) return docs(path)
      return f.endsWith('.md') ? [path] : []
    })
  return ['README.md', ...readmes, ...docs('apps/docs')].filter((path) => {
    try {
      return statSync(join(root, path)).isFile()
    } catch {
      return false
    }
  })
}

/** Script names of the root and of every workspace package, by package name ('.' for the root). */
function workspaceScripts() {
  const scripts = {}
  const read = (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
  scripts['.'] = Object.keys(read('.').scripts ?? {})
  for (const group of ['packages', 'apps', 'tooling']) {
    for (const dir of readdirSync(join(root, group))) {
      try {
        const json = read(join(group, dir))
        scripts[json.name] = Object.keys(json.scripts ?? {})
      } catch {
        // not a package
      }
    }
  }
  return scripts
}

/** Type-checks the TypeScript blocks together (each is a module); returns one problem per block with errors. */
function typeProblems(scratch, blocks) {
  if (blocks.length === 0) return []
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({ extends: '@gd/tsconfig/base.json', compilerOptions: { noUnusedLocals: false }, include: ['*.ts'] }),
  )
  try {
    execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', scratch], { stdio: 'pipe', encoding: 'utf8' })
    console.log(`snippets: ${blocks.length} TypeScript block(s) type-check`)
    return []
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`
    const lines = output.split('\n')
    const found = blocks.flatMap(({ name, where }) => {
      const errors = lines.filter((l) => l.includes(`${name}(`))
      return errors.length === 0 ? [] : [`${where}: does not type-check: ${errors.map((l) => l.slice(l.indexOf(name) + name.length)).join('; ')}`]
    })
    return found.length > 0 ? found : [`tsc failed on the TypeScript blocks: ${output.trim() || error.message}`]
  }
}

function main() {
  const onlyAt = process.argv.indexOf('--only')
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined
  const scripts = workspaceScripts()
  const problems = []
  let ran = 0
  let skipped = 0
  let commands = 0
  const typescript = [] // the TypeScript blocks written to the scratch folder: { name, where }
  const work = mkdtempSync(join(tmpdir(), 'gd-snippets-'))
  // Snippets import @gd packages; they resolve from a folder inside this package, whose node_modules has them all.
  const scratch = join(here, '.run')
  mkdirSync(scratch, { recursive: true })
  try {
    for (const file of markdownFiles()) {
      const text = readFileSync(join(root, file), 'utf8')
      for (const { line, command } of pnpmCommands(text)) {
        commands++
        const problem = commandProblem(command, scripts)
        if (problem !== undefined) problems.push(`${file}:${line}: \`${command}\`: ${problem}`)
      }
      if (only !== undefined && !file.includes(only)) continue
      for (const block of codeBlocks(text)) {
        const extension = runnable[block.lang]
        if (extension === undefined) continue
        if (block.skip !== undefined) {
          skipped++
          continue
        }
        const name = `${file.replaceAll('/', '_').replace(/\.md$/, '')}_${block.line}${extension}`
        const path = join(scratch, name)
        writeFileSync(path, block.code)
        const cwd = join(work, name)
        mkdirSync(cwd)
        const started = performance.now()
        try {
          execFileSync(process.execPath, ['--conditions=@gd/source', '--import', tsx, path], {
            cwd,
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 120_000,
            encoding: 'utf8',
          })
          ran++
          console.log(`snippets: ${file}:${block.line} ran (${((performance.now() - started) / 1000).toFixed(1)} s)`)
        } catch (error) {
          const output = `${error.stderr ?? ''}${error.stdout ?? ''}`.trim().split('\n')
          const reason = output.find((l) => /Error|error:/.test(l)) ?? output.at(-1) ?? String(error.message)
          problems.push(`${file}:${block.line}: the ${block.lang} block fails: ${reason.trim()}`)
        } finally {
          if (extension !== '.ts') rmSync(path, { force: true })
          else typescript.push({ name, where: `${file}:${block.line}` })
        }
      }
    }
    problems.push(...typeProblems(scratch, typescript))
  } finally {
    rmSync(work, { recursive: true, force: true })
    rmSync(scratch, { recursive: true, force: true })
  }
  console.log(`snippets: ${ran} block(s) ran, ${skipped} marked not run, ${commands} pnpm command(s) checked`)
  if (problems.length > 0) {
    console.error(`snippets: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
}

main()
