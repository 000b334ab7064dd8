import { kernels, useKernels, type Kernels } from '@gd/tensor'
import { threadedGemm, type ThreadOptions } from '@gd/tensor/threads'
import type { Contender, Workload } from '../harness.js'

/**
 * A @gd workload re-run on worker threads (`@gd/tensor/threads`), against itself on one thread:
 * the baseline `@gd` runs with `threadedGemm({ threads: 2 })` installed (its defaults: products of
 * 2²⁴ ≈ 16.8 M multiply-adds and more, such as the MLP's two 25.7 M ones, split while splitting each
 * shape is faster, `adaptive`), `@gd 1 thread` with the default gemm, `@gd 2 threads, always split`
 * splits the same products every call (`adaptive: false`: what a split costs or gains on this machine
 * now), and `@gd 2 threads, every product` splits every product the Wasm gemm takes (`minMultiplyAdds:
 * 0`, not adaptive), to show what the threshold saves. Each contender installs its gemm before each of
 * its rounds, so the rounds interleave as in the main table.
 * The peers are left out: the main table compares one core with one core.
 */
export function withThreads(base: Workload): Workload {
  const gd = base.contenders.find((c) => c.name === '@gd')
  if (gd === undefined) throw new Error(`bench: workload ${base.name} has no @gd contender to run on threads`)
  let oneThread: Kernels['gemm'] | undefined
  const variant = (name: string, options: ThreadOptions | null): Contender => ({
    name,
    prepare: async () => {
      oneThread ??= kernels.gemm
      const gemm = options === null ? oneThread : await threadedGemm(options)
      if (options !== null && gemm === oneThread) throw new Error('bench: no worker threads here')
      const prepared = await gd.prepare()
      return {
        ...prepared,
        activate: async () => {
          useKernels({ gemm })
          await prepared.activate?.()
        },
        dispose: () => {
          useKernels({ gemm: oneThread! })
          prepared.dispose?.()
        },
      }
    },
  })
  return {
    name: `threads: ${base.name}`,
    description: `${base.description}; @gd on 2 worker threads against one (peer/@gd = speedup of 2 threads)`,
    contenders: [
      variant('@gd', { threads: 2 }),
      variant('@gd 1 thread', null),
      variant('@gd 2 threads, always split', { threads: 2, adaptive: false }),
      variant('@gd 2 threads, every product', { threads: 2, minMultiplyAdds: 0, adaptive: false }),
    ],
  }
}
