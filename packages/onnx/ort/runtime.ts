// Loads onnxruntime-node from packages/onnx/.ort (installed there, outside the workspace's
// dependencies) and runs an exported model on one input.
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { expect } from 'vitest'
import { Tensor } from '@gd/tensor'

interface OrtTensor {
  readonly data: Float32Array
  readonly dims: readonly number[]
}
interface Session {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>
}
interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<Session> }
  Tensor: new (type: string, data: Float32Array | Int32Array | Uint8Array, dims: readonly number[]) => unknown
}

const ort = createRequire(new URL('../.ort/resolve-from-here.js', import.meta.url))('onnxruntime-node') as Ort

let saved = 0
const written = new WeakSet<Uint8Array>()

/** A @gd tensor as ONNX Runtime's: float32, int32 or bool (one byte each) as they are, float64 as float32. */
function toOrt(t: Tensor): unknown {
  if (t.dtype === 'int32') return new ort.Tensor('int32', t.data as Int32Array, t.shape)
  if (t.dtype === 'bool') return new ort.Tensor('bool', t.data as Uint8Array, t.shape)
  return new ort.Tensor('float32', Float32Array.from(t.data as Float32Array), t.shape)
}

/**
 * The model's output for `x` (float32, or int32 token indices) and any other inputs by name (a bool
 * mask), as a @gd tensor. With GD_ONNX_SAVE set to a folder, the model is also written there, for
 * ONNX's own checker (ort/check_models.py); each file is written once, however often it runs.
 */
export async function runOnnx(
  bytes: Uint8Array,
  x: Tensor,
  names = { input: 'input', output: 'output' },
  others: Record<string, Tensor> = {},
): Promise<Tensor> {
  const folder = process.env.GD_ONNX_SAVE
  if (folder && !written.has(bytes)) {
    written.add(bytes)
    writeFileSync(join(folder, `model-${String(++saved).padStart(3, '0')}.onnx`), bytes)
  }
  const session = await ort.InferenceSession.create(bytes)
  const feeds: Record<string, unknown> = { [names.input]: toOrt(x) }
  for (const [name, t] of Object.entries(others)) feeds[name] = toOrt(t)
  const result = await session.run(feeds)
  const y = result[names.output]!
  return new Tensor(Float32Array.from(y.data), [...y.dims], 'float32')
}

/** |onnx − gd| ≤ atol + rtol·|gd| elementwise; returns the largest difference seen. */
export function close(onnx: Tensor, gd: Tensor, atol = 1e-5, rtol = 1e-5): number {
  expect(onnx.shape).toEqual(gd.shape)
  const a = onnx.data as Float32Array
  const b = gd.data as Float32Array
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    worst = Math.max(worst, d)
    if (!(d <= atol + rtol * Math.abs(b[i]!)))
      throw new Error(`element ${i}: onnx ${a[i]} vs @gd ${b[i]} (difference ${d})`)
  }
  return worst
}
