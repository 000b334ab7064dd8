import type { Workload } from '../harness.js'
import { matmulWorkload } from './matmul.js'
import { autogradOverheadWorkload } from './autogradOverhead.js'
import { cnnWorkload } from './cnn.js'
import { convTransposeName, convTransposeWorkload } from './convTranspose.js'
import { elementwiseWorkload } from './elementwise.js'
import { count, optimizerUpdateWorkload } from './optimizerUpdate.js'
import { mlpWorkload } from './mlp.js'
import { recurrentWorkload } from './recurrent.js'
import {
  languageModelName,
  languageModelWorkload,
  transformerBlockName,
  transformerBlockWorkload,
} from './transformer.js'
import { namesGruName, namesGruWorkload, namesTransformerName, namesTransformerWorkload } from './namesSteps.js'
import { withThreads } from './threads.js'

/** A workload built on demand, so `--only` skips the data of the others. */
export interface WorkloadEntry {
  name: string
  build: () => Workload
}

/**
 * Every workload of a run, full or quick (smaller sizes); with `threads`, only the comparison of
 * @gd on 2 worker threads against one (matmul, the MLP step and the CNN step).
 */
export function workloads(quick: boolean, threads = false): WorkloadEntry[] {
  if (threads) {
    const n = quick ? 512 : 1024
    const [sizes, batch] = quick ? [[784, 64, 32, 10], 32] : [[784, 256, 128, 10], 128]
    return [
      { name: `threads: matmul ${n}`, build: () => withThreads(matmulWorkload(n, 'none')) },
      { name: `threads: mlp ${sizes.join('-')} b${batch}`, build: () => withThreads(mlpWorkload(sizes, batch)) },
      { name: `threads: cnn b${quick ? 16 : 64}`, build: () => withThreads(cnnWorkload(quick ? 16 : 64)) },
    ]
  }
  const out: WorkloadEntry[] = []
  for (const n of quick ? [128, 256] : [256, 512, 1024]) {
    for (const t of ['none', 'a', 'b'] as const) {
      const w = () => matmulWorkload(n, t)
      out.push({ name: `matmul ${n}${t === 'none' ? '' : ` ᵀ${t.toUpperCase()}`}`, build: w })
    }
  }
  const mlp = quick ? [784, 64, 32, 10] : [784, 256, 128, 10]
  const batch = quick ? 32 : 128
  out.push({ name: `mlp ${mlp.join('-')} b${batch}`, build: () => mlpWorkload(mlp, batch) })
  const cnnBatch = quick ? 16 : 64
  out.push({ name: `cnn b${cnnBatch}`, build: () => cnnWorkload(cnnBatch) })
  const sequence = quick
    ? { batch: 8, time: 8, input: 16, hidden: 32, classes: 10 }
    : { batch: 32, time: 16, input: 32, hidden: 128, classes: 10 }
  for (const kind of ['lstm', 'gru'] as const) {
    const w = () => recurrentWorkload(kind, sequence)
    out.push({ name: `${kind} b${sequence.batch} t${sequence.time} ${sequence.input}→${sequence.hidden}`, build: w })
  }
  const attention = quick ? { batch: 8, time: 8, width: 32, heads: 4 } : { batch: 32, time: 16, width: 64, heads: 4 }
  out.push({ name: transformerBlockName(attention), build: () => transformerBlockWorkload(attention) })
  const lm = { ...attention, blocks: 2, vocab: 28 }
  out.push({ name: languageModelName(lm), build: () => languageModelWorkload(lm) })
  // issue 18's two steps on real first names (the examples' names task), AdamW; quick mode cuts the names to 8 tokens
  const names = quick
    ? { batch: 8, time: 8, width: 32, heads: 4, blocks: 2 }
    : { batch: 32, time: 16, width: 64, heads: 4, blocks: 2 }
  out.push({ name: namesTransformerName(names), build: () => namesTransformerWorkload(names) })
  const namesGru = quick
    ? { batch: 8, time: 8, width: 16, hidden: 32 }
    : { batch: 32, time: 16, width: 32, hidden: 128 }
  out.push({ name: namesGruName(namesGru), build: () => namesGruWorkload(namesGru) })
  const generator = quick ? { batch: 4, latent: 16, channels: 8 } : { batch: 32, latent: 64, channels: 32 }
  out.push({ name: convTransposeName(generator), build: () => convTransposeWorkload(generator) })
  for (const kind of ['adam', 'sgd'] as const) {
    for (const n of quick ? [1e5, 1e6] : [1e6, 1e7]) {
      out.push({
        name: `${kind === 'adam' ? 'adam' : 'sgd-momentum'} ${count(n)}`,
        build: () => optimizerUpdateWorkload(kind, n),
      })
    }
  }
  const elements = quick ? 1e5 : 1e6
  out.push({ name: `elementwise ${count(elements)}`, build: () => elementwiseWorkload(elements) })
  const ops = quick ? 1000 : 10000
  out.push({ name: `autograd ${ops} ops`, build: () => autogradOverheadWorkload(ops) })
  return out
}
