// Plain .js on purpose: a .ts config inside a workspace package fails to load on Node 20.
import { defineConfig } from 'vitest/config'

/** Conditions that make `@gd/*` imports resolve to `src/index.ts`, then the usual defaults. */
export const sourceConditions = ['@gd/source', 'module', 'node', 'development|production']

/**
 * Tags a test may carry. `e2e`: an end-to-end run of an app (trains a model on real data), filtered
 * out below, so `pnpm test` reports it skipped; its own CI step runs it with `vitest run --tags-filter=e2e`
 * (`pnpm check:demo`), which replaces the filter.
 */
export const tags = [
  {
    name: 'e2e',
    description: 'end to end: left out of pnpm test, run by its own CI step',
    // trains small models on real digits: 2–7 s each on a quiet 2-core machine, several times that under load
    timeout: 120_000,
  },
]

/** The vitest preset every @gd package and app uses: tests run straight from source. */
export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.mjs'],
    // Low enough that a slow test shows: the few that are slow on purpose say so with their own,
    // commented timeout. (Every test without one took under 3 s on a half-loaded 2-core machine.)
    testTimeout: 15_000,
    // The files of a package share one module graph per worker instead of re-importing the
    // packages' source for each file: measured on @gd/optimizers (46 files), 10.2 s of CPU instead
    // of 27.6 s, the same 335 tests passing. A package whose tests swap modules (vi.mock) or whose
    // modules hold state its tests change turns isolation back on in its own vitest.config.js
    // (@gd/tensor does). vitest restores spies after each file either way.
    isolate: false,
    tags,
    tagsFilter: ['!e2e'],
  },
})
