import { defineConfig, mergeConfig } from 'vitest/config'
import preset from '@gd/vitest-config'

// The docs are checked in a real browser by check-pages.mjs (run by .ci/run after docs:build), not by vitest.
export default mergeConfig(preset, defineConfig({ test: { include: [], passWithNoTests: true } }))
