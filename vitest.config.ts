import { defineConfig } from 'vitest/config'
import SummaryReporter from '@gd/vitest-config/summary-reporter'

// One run over every workspace project; each project's own vitest.config.js extends the shared preset.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/*/vitest.config.js'],
    reporters: ['default', new SummaryReporter()],
  },
})
