#!/usr/bin/env node
// `pnpm snippets`: every TypeScript and JavaScript block in the READMEs and the docs guide runs as written, each on its
// own in a fresh folder, from the packages' TypeScript source (the `@gd/source` condition and tsx, as the tests run
// them); so does every ```ts block of a TSDoc `@example` in packages/*/src, whose stated values (`expr // value`) and
// stated errors (`expr // throws '<message>'`) are checked (see README.md for the rule); the TypeScript blocks of
// both then type-check together under the packages' strict settings; every pnpm command the Markdown shows must name
// a script that exists. A Markdown block that cannot run says why with `<!-- snippet: not run (reason) -->` on the
// line before it; a TSDoc example with a first line `// not run: <reason>` or `// fragment: <reason>`.
// Exits non-zero on any failure. `--only <text>` runs the blocks of the files whose path contains the text;
// `--markdown` or `--tsdoc` runs only that half.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeBlocks, commandProblem, pnpmCommands, runnable } from './snippets.mjs'
import { runExamples } from './examples.mjs'
import { instrument, rewriteImports, tsdocExamples } from './tsdoc.mjs'

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
    JSON.stringify({
      extends: '@gd/tsconfig/base.json',
      // the TSDoc examples import the packages' source by absolute path (see tsdocRuns), hence the .ts extensions
      compilerOptions: { noUnusedLocals: false, allowImportingTsExtensions: true },
      include: ['*.ts', 'tsdoc/*.ts'],
    }),
  )
  try {
    execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', scratch], {
      stdio: 'pipe',
      encoding: 'utf8',
    })
    console.log(`snippets: ${blocks.length} TypeScript block(s) type-check`)
    return []
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`
    const lines = output.split('\n')
    const found = blocks.flatMap(({ name, where, firstLine = 1 }) => {
      const errors = lines.filter((l) => l.includes(`${name}(`))
      if (errors.length === 0) return []
      const at = (l) => {
        const m = /\((\d+),(\d+)\): (.*)$/.exec(l.slice(l.indexOf(name) + name.length))
        return m === null ? l : `line ${Number(m[1]) + firstLine - 1}: ${m[3]}`
      }
      return [`${where}: does not type-check: ${errors.map(at).join('; ')}`]
    })
    return found.length > 0 ? found : [`tsc failed on the TypeScript blocks: ${output.trim() || error.message}`]
  }
}

/** Every workspace package's exports, `{ '@gd/x': dir, '@gd/x/sub': file }`, each pointing at its TypeScript source. */
function workspaceEntries() {
  const entries = {}
  for (const group of ['packages']) {
    for (const dir of readdirSync(join(root, group))) {
      let json
      try {
        json = JSON.parse(readFileSync(join(root, group, dir, 'package.json'), 'utf8'))
      } catch {
        continue
      }
      const exports = typeof json.exports === 'string' ? { '.': json.exports } : (json.exports ?? {})
      for (const [key, target] of Object.entries(exports)) {
        const file =
          typeof target === 'string' ? target : (target['@gd/source'] ?? target.import?.default ?? target.default)
        if (typeof file === 'string')
          entries[key === '.' ? json.name : `${json.name}${key.slice(1)}`] = join(root, group, dir, file)
      }
    }
  }
  return entries
}

/** The TypeScript files of packages/*\/src that are not tests. */
function sourceFiles() {
  const files = []
  const walk = (dir) => {
    for (const f of readdirSync(dir)) {
      const path = join(dir, f)
      if (statSync(path).isDirectory()) {
        if (f !== 'node_modules') walk(path)
      } else if (f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')) files.push(path)
    }
  }
  for (const pkg of readdirSync(join(root, 'packages'))) {
    try {
      walk(join(root, 'packages', pkg, 'src'))
    } catch {
      // no src
    }
  }
  return files.sort()
}

/**
 * Writes every TSDoc example twice into the scratch folder: `tsdoc/<name>.ts` as written (for the type check, unless
 * it is a fragment) and `tsdoc-run/<name>.ts` checking its stated values (unless it is marked not run). Imports of
 * `@gd/*` and relative imports become absolute paths to the TypeScript source, so an example runs from here as from
 * beside its file. Returns `{ runs, typed, skipped, problems }`.
 */
function tsdocRuns(scratch, only) {
  const ts = createRequire(import.meta.url)('typescript')
  const entries = workspaceEntries()
  const runs = []
  const typed = []
  const skipped = []
  const problems = []
  mkdirSync(join(scratch, 'tsdoc'), { recursive: true })
  mkdirSync(join(scratch, 'tsdoc-run'), { recursive: true })
  for (const path of sourceFiles()) {
    const file = relative(root, path)
    if (only !== undefined && !file.includes(only)) continue
    const text = readFileSync(path, 'utf8')
    if (!text.includes('@example')) continue
    for (const example of tsdocExamples(text)) {
      const where = `${file}:${example.line}`
      if (example.skip !== undefined) skipped.push(`${where} (${example.skip.kind}: ${example.skip.reason})`)
      if (example.skip?.kind === 'fragment') continue
      const name = `${file
        .replace(/^packages\//, '')
        .replaceAll('/', '_')
        .replace(/\.ts$/, '')}_${example.line}`
      const code = rewriteImports(example.code, ts, (specifier) => {
        if (specifier.startsWith('.')) return resolvePath(dirname(path), specifier)
        const pkg = /^@gd\/[\w-]+/.exec(specifier)?.[0]
        if (pkg !== undefined)
          return entries[specifier] ?? (entries[pkg] === undefined ? undefined : `${specifier} (no such export)`)
        return undefined
      })
      writeFileSync(join(scratch, 'tsdoc', `${name}.ts`), code)
      typed.push({ name, where, firstLine: example.line })
      if (example.skip !== undefined) continue
      const checked = instrument(code, ts)
      for (const p of checked.problems) problems.push(`${file}:${example.line + p.line - 1}: ${p.message}`)
      const runFile = join(scratch, 'tsdoc-run', `${name}.ts`)
      writeFileSync(runFile, checked.code)
      runs.push({ file: runFile, where, firstLine: example.line, checks: checked.checks })
    }
  }
  return { runs, typed, skipped, problems }
}

async function main() {
  const onlyAt = process.argv.indexOf('--only')
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined
  const markdown = !process.argv.includes('--tsdoc') || process.argv.includes('--markdown')
  const tsdoc = !process.argv.includes('--markdown') || process.argv.includes('--tsdoc')
  const scripts = workspaceScripts()
  const problems = []
  let ran = 0
  let skipped = 0
  let commands = 0
  const typescript = [] // the TypeScript blocks written to the scratch folder: { name, where }
  const work = mkdtempSync(join(tmpdir(), 'gd-snippets-'))
  // Snippets import @gd packages; they resolve from a folder inside this package, whose node_modules has them all.
  // Each run has its own folder there, so two runs at once do not delete each other's files.
  mkdirSync(join(here, '.run'), { recursive: true })
  for (const old of readdirSync(join(here, '.run'))) {
    // a run that was killed leaves its folder; one older than six hours is no run's any more
    const path = join(here, '.run', old)
    if (Date.now() - statSync(path).mtimeMs > 6 * 3600_000) rmSync(path, { recursive: true, force: true })
  }
  const scratch = mkdtempSync(join(here, '.run', 'run-'))
  try {
    for (const file of markdown ? markdownFiles() : []) {
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
          else typescript.push({ name, where: `${file}:${block.line}`, firstLine: block.line + 1 })
        }
      }
    }
    if (markdown)
      console.log(
        `snippets: ${ran} Markdown block(s) ran, ${skipped} marked not run, ${commands} pnpm command(s) checked`,
      )
    if (tsdoc) {
      const started = performance.now()
      const examples = tsdocRuns(scratch, only)
      problems.push(...examples.problems)
      const outcome = await runExamples(examples.runs)
      problems.push(...outcome.problems)
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      const stated = examples.runs.reduce((n, r) => n + r.checks.length, 0)
      console.log(
        `snippets: ${examples.runs.length} TSDoc example(s) ran in ${seconds} s (one process), checking ${stated} stated value(s) and error(s); ` +
          `${examples.skipped.length} marked not run or fragment`,
      )
      for (const s of examples.skipped) console.log(`snippets:   not run: ${s}`)
      if (outcome.slow.length > 0)
        console.log(`snippets: slowest TSDoc examples (over 2 s): ${outcome.slow.join(', ')}`)
      typescript.push(...examples.typed.map((t) => ({ ...t, name: `tsdoc/${t.name}.ts` })))
    }
    problems.push(...typeProblems(scratch, typescript))
  } finally {
    rmSync(work, { recursive: true, force: true })
    rmSync(scratch, { recursive: true, force: true })
  }
  if (problems.length > 0) {
    console.error(`snippets: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
}

await main()
