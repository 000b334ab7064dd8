import { defineConfig, mergeConfig } from 'vitest/config'
import preset from '@gd/vitest-config'

export default mergeConfig(preset, defineConfig({ test: { include: ['*.test.mjs'] } }))
