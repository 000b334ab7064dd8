/**
 * Where the seam finds the Wasm conv and pooling kernels once something has loaded them, and when
 * they pay. Kept apart from the loader (`wasmConv.ts`, which holds the module bytes) so that the
 * seam's table can consult it without pulling the bytes into every bundle that does a matrix
 * product: the kernels are loaded by the convolution and pooling ops themselves (`loadConv.ts`) or
 * by `initWasm()`, never by the table.
 * @module
 */
import type { Window2d } from '../../window2d.js'
import type { Conv2dShape } from '../conv.js'
import type { ConvKernels } from './wasmConv.js'

/** The loaded Wasm conv and pooling kernels: `undefined` until the first try, null when this engine cannot run them. */
export const convState: { kernels: ConvKernels | null | undefined } = { kernels: undefined }

/**
 * Whether a float32 convolution (either gradient too) is worth sending to Wasm: at least 256
 * multiply-adds (`batch · outChannels · outH · outW · channels/groups · kernelH · kernelW`).
 * Measured on the 2-core AMD EPYC here (Node 20, warm JIT, time per call, JavaScript composition
 * over Wasm, forward / input gradient / filter gradient): 36 multiply-adds 2.4× / 4.9× / 0.87×,
 * 288 1.3× / 4.1× / 7.7×, 2,304 9× / 7× / 5×, 169,344 11× / 12× / 8×. The JavaScript side
 * allocates its columns and runs a gemm per sample, so Wasm wins early.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor'
 * import { wasmConvPays } from './convState.js'
 * wasmConvPays({ batch: 64, channels: 1, outChannels: 8, groups: 1, window: window2d('conv2d', [28, 28], [5, 5]) }) // true
 * ```
 */
export function wasmConvPays(s: Conv2dShape): boolean {
  const g = s.window
  return s.batch * s.outChannels * g.outH * g.outW * (s.channels / s.groups) * g.kernelH * g.kernelW >= 256
}

/**
 * Whether float32 pooling over `planes` planes is worth sending to Wasm: at least 512 window taps
 * (`planes · outH · outW · kernelH · kernelW`). Measured as for {@link wasmConvPays} on 2 × 2
 * windows, stride 2 (max forward / max backward / avg forward / avg backward): 64 taps 1.0× /
 * 0.84× / 0.53× / 0.32×, 256 1.5× / 1.2× / 0.93× / 1.7×, 512 3.4× / 0.9–1.2× / 2.0× / 1.1×,
 * 4,096 3.7× / 1.6× / 1.4× / 1.6× (before the SIMD 2 × 2 paths, which only move these up).
 * Pooling moves little data per tap, so the copies in and out of the module weigh more than for
 * a convolution.
 *
 * @example
 * ```ts
 * import { window2d } from '@gd/tensor'
 * import { wasmPoolPays } from './convState.js'
 * wasmPoolPays(64 * 8, window2d('maxPool2d', [24, 24], [2, 2], { stride: 2 })) // true
 * ```
 */
export function wasmPoolPays(planes: number, g: Window2d): boolean {
  return planes * g.outH * g.outW * g.kernelH * g.kernelW >= 512
}
