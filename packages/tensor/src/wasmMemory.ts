import { attachArena } from './kernels/runtime/arena.js'
import { wasmState, fusedKernels, type FusedKernels } from './kernels/registry.js'
import { loadWasmFusedSync } from './kernels/optim/wasm.js'
import { Tensor } from './tensor.js'
import { isTensor } from './internal/args.js'
import { mapStructure, type Tree } from './tree.js'

/**
 * Copies the float32 leaves of a parameter tree into the WebAssembly memory that every kernel
 * shares, where the fused optimizer updates (`stepInPlace` with `adam`, `adamw`, `sgd` with
 * momentum, `rmsprop`, from the package `@gd/optimizers`) change them where they are, instead of
 * copying them in and out on every step, and where the matrix product, convolution, pooling,
 * elementwise and reduction kernels read them without a copy too. Optimizer state created after
 * this call (or after `initWasm()`) is allocated there by itself; placing the parameters too
 * leaves only the gradients to copy (the `adam` rows of apps/bench/RESULTS.md show what that saves).
 *
 * The returned tree has the same structure; each float32 leaf is a copy (in Wasm memory when Wasm is
 * allowed and runs here, the leaf has 96 elements or more, and the memory, reserved once, has room;
 * an ordinary copy otherwise), and every other leaf is returned as it is. The copies behave like any
 * tensor and are freed when collected, with no `dispose` (they belong to no transform: a tree placed
 * inside `valueAndGrad` is not released when it returns; see "Lifetimes" in the kernels' README). Their
 * `data.buffer` is the whole Wasm memory: a view made from it (`subarray`, `new Float32Array(buffer, …)`)
 * must not be kept past the tensor's own lifetime, and `postMessage` would copy the whole buffer (post
 * `data.slice()`).
 *
 * @see [How \@gd runs your code](/guide/how-gd-runs), the guide page on where tensors live and who frees them.
 * @example
 * ```ts
 * import { initWasm, tensor, toWasmMemory } from '@gd/tensor'
 * import { adam, stepInPlace } from '@gd/optimizers'
 * await initWasm()
 * const params = toWasmMemory({ w: tensor(new Float32Array(1 << 20)) })
 * const opt = adam({ learningRate: 1e-3 })
 * let state = opt.init(params)
 * state = stepInPlace(opt, { w: tensor(new Float32Array(1 << 20).fill(1)) }, state, params) // params.w updated in place
 * ```
 */
export function toWasmMemory<T extends Tree>(tree: T): T {
  const kernels = loadedKernels()
  return mapStructure(
    'toWasmMemory',
    isTensor,
    (t: Tensor) => {
      if (t.dtype !== 'float32') return t
      const copy = kernels?.alloc(t.size) ?? new Float32Array(t.size)
      copy.set(t.data as Float32Array)
      return new Tensor(copy, t.shape, 'float32')
    },
    tree,
  ) as T
}

/** The fused kernels with their arena, loaded now (synchronously) if Wasm is allowed and nothing has loaded them yet. */
function loadedKernels(): FusedKernels | null {
  if (wasmState.allowed && wasmState.fused === undefined) wasmState.fused = loadWasmFusedSync()
  const kernels = fusedKernels()
  return kernels && attachArena(kernels)
}
