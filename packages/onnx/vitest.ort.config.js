// The ONNX Runtime check (not part of `pnpm test`): ort/*.ort.ts load every exported model in
// onnxruntime-node, installed outside the workspace by .ci/run (npm install --prefix packages/onnx/.ort).
import { defineConfig, mergeConfig } from 'vitest/config'
import base from '@gd/vitest-config'

export default mergeConfig(base, defineConfig({ test: { include: ['ort/**/*.ort.ts'], testTimeout: 120_000 } }))
