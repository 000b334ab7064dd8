// Plain .js on purpose: a .ts config inside a workspace package fails to load on Node 20.
import { defineConfig } from 'vitest/config'

/** Conditions that make `@gd/*` imports resolve to `src/index.ts`, then the usual defaults. */
export const sourceConditions = ['@gd/source', 'module', 'node', 'development|production']

/** The vitest preset every @gd package and app uses: tests run straight from source. */
export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.mjs'],
    testTimeout: 60_000,
  },
})
