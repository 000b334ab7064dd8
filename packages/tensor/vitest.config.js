import { defineConfig, mergeConfig } from 'vitest/config'
import preset from '@gd/vitest-config'

// The kernel seam is module state (useWasm, useKernels) and convBackend.test.ts replaces a module with
// vi.mock: unlike the preset, each test file gets its own module graph.
export default mergeConfig(preset, defineConfig({ test: { isolate: true } }))
