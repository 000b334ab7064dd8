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
    reporters: ['default', new SummaryReporter()],
  },
})
