// Loads onnxruntime-node from packages/onnx/.ort (installed there, outside the workspace's
// dependencies) and runs an exported model on one input.
import { createRequire } from 'node:module'
import { Tensor } from '@gd/tensor'

interface OrtTensor { readonly data: Float32Array; readonly dims: readonly number[] }
interface Session { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>> }
interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<Session> }
  Tensor: new (type: string, data: Float32Array | Int32Array, dims: readonly number[]) => unknown
}

const ort = createRequire(new URL('../.ort/resolve-from-here.js', import.meta.url))('onnxruntime-node') as Ort

/** The model's output for `x` (float32, or int32 token indices), as a @gd tensor. */
export async function runOnnx(bytes: Uint8Array, x: Tensor, names = { input: 'input', output: 'output' }): Promise<Tensor> {
  const session = await ort.InferenceSession.create(bytes)
  const data = x.dtype === 'int32' ? (x.data as Int32Array) : Float32Array.from(x.data as Float32Array)
  const result = await session.run({ [names.input]: new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', data, x.shape) })
  const y = result[names.output]!
  return new Tensor(Float32Array.from(y.data), [...y.dims], 'float32')
}
