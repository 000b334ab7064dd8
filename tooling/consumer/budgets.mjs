// Size budgets: each package.json lists what a user may import (from its main entry, or from the subpath
// entry named by "from") and how many gzipped bytes that may
// cost once bundled and minified by esbuild (tree-shaking on; for the browser unless "platform" says "node"). "absent" lists strings that must not be
// in that bundle, proving unused code is dropped. A budget marked "pending" (a target not met yet,
// with the reason) is measured and reported as PENDING but does not fail the run. "note" says where a
// budget's bytes go; it is for readers and is not checked.
import { buildSync } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function checkBudgets(project, packages) {
  let failures = 0
  const rows = []
  for (const { json } of packages) {
    for (const budget of json.sizeBudgets ?? []) {
      const entry = join(project, `budget-${rows.length}.mjs`)
      // "from" names a subpath entry (`@gd/train/names`); the package's main entry by default
      const from = budget.from ?? json.name
      const what =
        budget.import === '*' ? `export * from '${from}'` : `export { ${budget.import.join(', ')} } from '${from}'`
      writeFileSync(entry, `${what}\n`)
      // "platform": "node" for an entry meant for Node only (`@gd/io/node` imports node:fs); browser by default
      const out = buildSync({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: budget.platform ?? 'browser',
        write: false,
        absWorkingDir: project,
      })
      const code = out.outputFiles[0].text
      const gz = gzipSync(code).length
      const leaked = (budget.absent ?? []).filter((s) => code.includes(s))
      const ok = gz <= budget.maxGzipBytes && leaked.length === 0
      const pending = !ok && budget.pending !== undefined && leaked.length === 0
      if (!ok && !pending) failures++
      rows.push(
        `${ok ? 'ok     ' : pending ? 'PENDING' : 'FAIL   '} ${from} ${budget.import === '*' ? '(whole)' : `{ ${budget.import.join(', ')} }`}: ${(gz / 1024).toFixed(2)} KB gzipped (budget ${(budget.maxGzipBytes / 1024).toFixed(2)} KB)${leaked.length ? `; should have been dropped: ${leaked.join(', ')}` : ''}${pending ? ` (${budget.pending})` : ''}`,
      )
    }
  }
  console.log(`size budgets:\n  ${rows.join('\n  ')}`)
  return failures
}
