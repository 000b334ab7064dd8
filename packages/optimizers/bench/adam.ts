/**
 * Effective bandwidth of the fused elementwise optimizers:
 *   node --conditions=@gd/source --import tsx packages/optimizers/bench/adam.ts
 * Adam counts 28 bytes per float32 element (read g; read+write m, v, θ), SGD with momentum 20
 * (read g; read+write b, θ). Median of 7 timed steps after 3 warm-up steps. The hand-written row is
 * the same Adam step as one bare loop: the ceiling for this machine at that moment (the machine is
 * shared, so compare rows of one run, not runs).
 */
import { Tensor, type Tree } from '@gd/tensor'
import { adam, applyUpdates, sgd, stepInPlace, type GradientTransformation } from '../src/index.js'

function filled(n: number, f: (i: number) => number): Tensor {
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = f(i)
  return new Tensor(a, [n], 'float32')
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function bench(name: string, tx: GradientTransformation<any>, n: number, bytes: number, fused: boolean): void {
  let params: Tree = { w: filled(n, (i) => Math.sin(i)) }
  const grads = { w: filled(n, (i) => Math.cos(i) * 1e-2) }
  let state = tx.init(params)
  const step = (): void => {
    if (fused) state = stepInPlace(tx, grads, state, params)
    else {
      const r = tx.update(grads, state, params)
      params = applyUpdates(params, r.updates)
      state = r.state
    }
  }
  for (let k = 0; k < 3; k++) step()
  const times: number[] = []
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now()
    step()
    times.push(performance.now() - t0)
  }
  const ms = median(times)
  const gbs = (bytes * n) / (ms * 1e6)
  const path = fused ? 'stepInPlace' : 'update+applyUpdates'
  console.log(
    `${name.padEnd(13)} ${String(n).padStart(9)}  ${path.padEnd(20)} ${ms.toFixed(2).padStart(8)} ms  ${gbs.toFixed(2).padStart(6)} GB/s`,
  )
}

/** The ceiling: the same Adam step as one hand-written loop over module-level arrays. */
function handWritten(n: number): void {
  const p = filled(n, (i) => Math.sin(i)).data as Float32Array
  const g = filled(n, (i) => Math.cos(i) * 1e-2).data as Float32Array
  const m = new Float32Array(n)
  const v = new Float32Array(n)
  const step = (t: number): void => {
    const c1 = 1 / (1 - 0.9 ** t)
    const c2 = 1 / (1 - 0.999 ** t)
    for (let i = 0; i < n; i++) {
      const gi = g[i]!
      const mi = 0.9 * m[i]! + 0.1 * gi
      const vi = 0.999 * v[i]! + 0.001 * gi * gi
      m[i] = mi
      v[i] = vi
      p[i] = p[i]! - 1e-3 * ((mi * c1) / (Math.sqrt(vi * c2) + 1e-8))
    }
  }
  for (let t = 1; t <= 3; t++) step(t)
  const times: number[] = []
  for (let t = 4; t <= 10; t++) {
    const t0 = performance.now()
    step(t)
    times.push(performance.now() - t0)
  }
  const ms = median(times)
  console.log(
    `${'hand-written'.padEnd(13)} ${String(n).padStart(9)}  ${'one raw loop'.padEnd(20)} ${ms.toFixed(2).padStart(8)} ms  ${((28 * n) / (ms * 1e6)).toFixed(2).padStart(6)} GB/s`,
  )
}

for (const n of [1_000_000, 10_000_000]) {
  handWritten(n)
  bench('adam', adam({ learningRate: 1e-3 }), n, 28, true)
  bench('sgd-momentum', sgd({ learningRate: 1e-3, momentum: 0.9 }), n, 20, true)
}
for (const n of [1_000_000, 10_000_000]) {
  bench('adam', adam({ learningRate: 1e-3 }), n, 28, false)
  bench('sgd-momentum', sgd({ learningRate: 1e-3, momentum: 0.9 }), n, 20, false)
}
