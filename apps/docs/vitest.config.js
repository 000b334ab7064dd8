import { defineConfig, mergeConfig } from 'vitest/config'
import preset from '@gd/vitest-config'

// The docs pages are checked in a real browser by check-pages.mjs (run by .ci/run after docs:build);
// vitest runs the checks that need no browser (*.test.mjs here), such as the optimizer index's coverage.
export default mergeConfig(preset, defineConfig({ test: { include: ['*.test.mjs'] } }))
