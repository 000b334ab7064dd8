import * as AG from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { linear, relu, sequential, type Layer } from '@gd/nn'
import { adamw, stepInPlace } from '@gd/optimizers'
import { memoryStats, tensor, toWasmMemory, type Tensor, type Tree } from '@gd/tensor'
import { fit } from '@gd/train'
import { randomData, randomLabels } from '../workloads/data.js'
import { memorySampler, type LoopMeasure, type SamplerOptions } from './sampler.js'

/** The model and data of the memory loops: an MLP classifier on random inputs. */
export interface MemoryModel {
  /** Layer widths, input first. */
  sizes: number[]
  batch: number
  /** Examples in fit's data set (fit goes over them in batches, epoch after epoch). */
  examples: number
}

/** A long loop, measured. */
export interface MemoryLoop {
  name: string
  /** One line on what the loop does. */
  description: string
  steps: number
  sampler: SamplerOptions
  /** Runs the whole loop and returns its measure; `onReading` is told each RSS reading (for a progress line). */
  run: (onReading?: SamplerOptions['onReading']) => MemoryLoopResult
}

/** What a loop measured, with the Wasm arena's account (`memoryStats()` of @gd/tensor). */
export interface MemoryLoopResult extends LoopMeasure {
  /** Results that fell back to ordinary arrays because the arena was full, during the loop (undefined in results of versions without `memoryStats`). */
  fallbacks?: number
  /** The arena's used bytes after the warm-up. */
  arenaWarmBytes?: number
  /** The arena's used bytes at the end. */
  arenaEndBytes?: number
  /** Bytes copied between JavaScript arrays and Wasm memory per measured step (`memoryStats().copiedBytes`). */
  copiedBytesPerStep?: number
  /** The loss after the last step (that the loop trained, and a number to compare between runs). */
  loss: number
}

/** The measure with the arena's account: fallbacks during the loop, used bytes after the warm-up and at the end. */
function withStats(
  m: LoopMeasure,
  loss: number,
  fallbacksBefore: number,
  warm: { usedBytes: number; copiedBytes: number },
): MemoryLoopResult {
  const after = memoryStats()
  return {
    ...m,
    loss,
    fallbacks: after.fallbacks - fallbacksBefore,
    arenaWarmBytes: warm.usedBytes,
    copiedBytesPerStep: (after.copiedBytes - warm.copiedBytes) / m.steps,
    arenaEndBytes: after.usedBytes,
  }
}

function mlp(sizes: readonly number[]): Layer<unknown[]> {
  return sequential(
    ...sizes.slice(1).flatMap((n, i) => (i === 0 ? [linear(sizes[0]!, n)] : [relu(), linear(sizes[i]!, n)])),
  )
}

const WEIGHT_DECAY = 0.01
const LEARNING_RATE = 1e-3

/**
 * `valueAndGrad` + `stepInPlace` (AdamW) in one synchronous loop, the fastest way a user writes a
 * training loop with @gd: parameters placed in Wasm memory with `toWasmMemory`, the optimizer state
 * made there by `init` after them, one batch (placed there too) used again and again (the data is not
 * what is measured).
 */
export function valueAndGradLoop(m: MemoryModel, steps: number, sampler: SamplerOptions): MemoryLoop {
  const model = mlp(m.sizes)
  const classes = m.sizes[m.sizes.length - 1]!
  return {
    name: `valueAndGrad + stepInPlace ×${steps.toLocaleString('en-US')}`,
    description: `${steps} steps of valueAndGrad + stepInPlace (AdamW) on an MLP ${m.sizes.join('-')} at batch ${m.batch}, parameters and batch in Wasm memory, one synchronous loop`,
    steps,
    sampler,
    run: (onReading) => {
      const params = toWasmMemory(model.init(0) as unknown as Tree)
      const opt = adamw({ learningRate: LEARNING_RATE, weightDecay: WEIGHT_DECAY })
      let state = opt.init(params)
      // the batch too: the products read it in place instead of copying it in twice a step
      const X = toWasmMemory(tensor(randomData(3, [m.batch, m.sizes[0]!]), { shape: [m.batch, m.sizes[0]!] }))
      const Y = tensor(randomLabels(4, m.batch, classes), { dtype: 'int32' })
      const lossOf = AG.valueAndGrad((p: unknown[], xs: Tensor, ys: Tensor) =>
        softmaxCrossEntropy(model.apply(p, xs), ys),
      )
      const fallbacks = memoryStats().fallbacks
      const watch = memorySampler(onReading === undefined ? sampler : { ...sampler, onReading })
      let loss: Tensor | undefined
      let warm = memoryStats()
      for (let i = 0; i < steps; i++) {
        const [value, grads] = lossOf(params as unknown as unknown[], X, Y)
        state = stepInPlace(opt, grads as unknown as Tree, state, params)
        loss = value
        watch.tick()
        if (i + 1 === sampler.warmup) warm = memoryStats()
      }
      const measure = watch.finish()
      return withStats(measure, loss!.item(), fallbacks, warm)
    },
  }
}

/**
 * One `fit` call that takes `steps` steps (AdamW, softmax cross-entropy) over a random data set in
 * shuffled batches, epoch after epoch; a callback's `onStepEnd` drives the sampler.
 */
export function fitLoop(m: MemoryModel, steps: number, sampler: SamplerOptions): MemoryLoop {
  const model = mlp(m.sizes)
  const classes = m.sizes[m.sizes.length - 1]!
  const perEpoch = Math.ceil(m.examples / m.batch)
  return {
    name: `fit ×${steps.toLocaleString('en-US')}`,
    description: `one fit call of ${steps} steps (AdamW, softmax cross-entropy) on an MLP ${m.sizes.join('-')}, batches of ${m.batch} from ${m.examples} random examples`,
    steps,
    sampler,
    run: (onReading) => {
      const data = {
        x: tensor(randomData(5, [m.examples, m.sizes[0]!]), { shape: [m.examples, m.sizes[0]!] }),
        y: tensor(randomLabels(6, m.examples, classes), { dtype: 'int32' }),
      }
      const fallbacks = memoryStats().fallbacks
      const watch = memorySampler(onReading === undefined ? sampler : { ...sampler, onReading })
      let loss = NaN
      let warm = memoryStats()
      fit({
        model,
        params: model.init(0),
        data,
        loss: (p, y) => softmaxCrossEntropy(p, y),
        optimizer: adamw({ learningRate: LEARNING_RATE, weightDecay: WEIGHT_DECAY }),
        batchSize: m.batch,
        epochs: Math.ceil(steps / perEpoch),
        maxSteps: steps,
        callbacks: [
          {
            name: 'memorySampler',
            onStepEnd: (ctx, info) => {
              loss = info.loss
              watch.tick()
              if (ctx.step === sampler.warmup) warm = memoryStats()
            },
          },
        ],
      })
      return withStats(watch.finish(), loss, fallbacks, warm)
    },
  }
}
