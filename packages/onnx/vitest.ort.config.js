// The ONNX Runtime check (not part of `pnpm test`): ort/*.ort.ts load every exported model in
// onnxruntime-node, installed outside the workspace by .ci/run (npm install --prefix packages/onnx/.ort).
import { defineConfig } from 'vitest/config'
import { sourceConditions } from '@gd/vitest-config'

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: { include: ['ort/**/*.ort.ts'], testTimeout: 120_000 },
})
