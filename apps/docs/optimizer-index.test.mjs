// The optimizer index page (guide/optimizers.md) lists every function and constant @gd/optimizers
// and @gd/optimizers/extend export, each linked to its API page, and nothing else: a new export without a line fails here,
// as does a line for an export that is gone. (That the links resolve is checked by check-pages.mjs.)
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as main from '@gd/optimizers'
import * as extend from '@gd/optimizers/extend'

const here = dirname(fileURLToPath(import.meta.url))
const page = readFileSync(join(here, 'guide', 'optimizers.md'), 'utf8')

/** The runtime exports of @gd/optimizers and of @gd/optimizers/extend, each with its entry's name. */
function exported() {
  const entries = [...Object.keys(main).map((n) => [n, 'index']), ...Object.keys(extend).map((n) => [n, 'extend'])]
  return new Map(entries)
}

/**
 * The names the page links to the API reference, `[`name`](/api/<kind>/_gd_optimizers.<entry>.name.html)`
 * with entry `index` (@gd/optimizers) or `extend` (@gd/optimizers/extend), and the entry of each.
 */
function listed() {
  const links = page.matchAll(/\[`(\w+)`\]\(\/api\/(?:functions|variables)\/_gd_optimizers\.(\w+)\.(\w+)\.html\)/g)
  return new Map(
    [...links].map((m) => {
      expect(m[3], `the link text and the API page of ${m[1]}`).toBe(m[1])
      return [m[1], m[2]]
    }),
  )
}

describe('the optimizer index page', () => {
  it('has a line for every export of @gd/optimizers and @gd/optimizers/extend, linked to its entry, and none for anything else', () => {
    const names = exported()
    expect(names.size).toBeGreaterThan(60)
    const onPage = listed()
    expect(
      [...names.keys()].filter((n) => !onPage.has(n)),
      'exports without a line in guide/optimizers.md',
    ).toEqual([])
    expect(
      [...onPage.keys()].filter((n) => !names.has(n)),
      'lines for names @gd/optimizers does not export',
    ).toEqual([])
    expect(
      [...onPage].filter(([n, entry]) => names.get(n) !== entry),
      'lines linking the API page of the wrong entry (index or extend)',
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
