// The optimizer index page (guide/optimizers.md) lists every function and constant @gd/optimizers
// exports, each linked to its API page, and nothing else: a new export without a line fails here,
// as does a line for an export that is gone. (That the links resolve is checked by check-pages.mjs.)
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const src = join(here, '..', '..', 'packages', 'optimizers', 'src')
const page = readFileSync(join(here, 'guide', 'optimizers.md'), 'utf8')

/** The runtime exports of @gd/optimizers: `export function|const` in every file index.ts re-exports. */
function exported() {
  const index = readFileSync(join(src, 'index.ts'), 'utf8')
  const files = readdirSync(src).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && index.includes(`'./${f.replace(/\.ts$/, '.js')}'`),
  )
  const names = files.flatMap((f) =>
    [...readFileSync(join(src, f), 'utf8').matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)].map((m) => m[1]),
  )
  return [...new Set(names)].sort()
}

/** The names the page links to the API reference: [`name`](/api/<kind>/_gd_optimizers.name.html). */
function listed() {
  return [...page.matchAll(/\[`(\w+)`\]\(\/api\/(?:functions|variables)\/_gd_optimizers\.(\w+)\.html\)/g)].map((m) => {
    expect(m[2], `the link text and the API page of ${m[1]}`).toBe(m[1])
    return m[1]
  })
}

describe('the optimizer index page', () => {
  it('has a line for every export of @gd/optimizers and none for anything else', () => {
    const names = exported()
    expect(names.length).toBeGreaterThan(60)
    const onPage = new Set(listed())
    expect(
      names.filter((n) => !onPage.has(n)),
      'exports without a line in guide/optimizers.md',
    ).toEqual([])
    expect(
      [...onPage].filter((n) => !names.includes(n)),
      'lines for names @gd/optimizers does not export',
    ).toEqual([])
  })

  it.each([
    ['named', 'adam'],
    ['scalings', 'scaleByAdam'],
  ])('keeps the %s table in alphabetical order between the markers new:optimizer writes into', (block, example) => {
    const start = page.indexOf(`<!-- index:${block}`)
    const end = page.indexOf(`<!-- /index:${block} -->`)
    expect(start, `the <!-- index:${block} --> marker`).toBeGreaterThan(0)
    expect(end, `the <!-- /index:${block} --> marker`).toBeGreaterThan(start)
    const names = [...page.slice(start, end).matchAll(/^\| \[`(\w+)`\]/gm)].map((m) => m[1])
    expect(names).toContain(example)
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
  })
})
