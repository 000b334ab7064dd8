import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import SummaryReporter from '@gd/vitest-config/summary-reporter'

// `pnpm test`, the inner loop: one run over every workspace project; each project's vitest.config.js
// extends the shared preset (tooling/vitest-config). Left out, each a CI step of its own (.ci/run):
// tests tagged e2e, which the preset filters out (`pnpm check:demo`), the Wasm rebuild comparison
// (`pnpm check:wasm`), and the tools' own tests, kept in vitest.check.config.js so the glob below
// misses them (`pnpm check:boundaries-selftest`, `pnpm check:scaffold`).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/*/vitest.config.js'],
    // One worker per core: vitest's default keeps a core back, which on a 2-core machine is one
    // worker and half the machine idle while the tests are CPU-bound.
    maxWorkers: availableParallelism(),
    reporters: ['default', new SummaryReporter()],
  },
})
