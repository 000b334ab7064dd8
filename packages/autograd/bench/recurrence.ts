// A GRU-like recurrence (batch 32, 16 steps, hidden 128, inputs 128, input projections computed for
// all steps at once): forward + backward through scan and through the same JavaScript loop, against
// the forward pass alone without a graph and the matrix products alone (forward and backward).
// Run: cd packages/autograd && node --conditions=@gd/source --import tsx bench/recurrence.ts
import * as T from '@gd/tensor'
import * as AG from '@gd/autograd'
import type { Var } from '@gd/autograd'
import { race } from './race.js'

const [B, TT, H, F] = [32, 16, 128, 128]
const [k1, k2, k3, k4] = T.splitKey(T.prngKey(0), 4)
const params = {
  wx: T.mul(T.normal(k1!, [F, 3 * H]), 0.08),
  wh: T.mul(T.normal(k2!, [H, 3 * H]), 0.08),
  b: T.zeros([3 * H]),
}
const x = T.normal(k3!, [TT, B, F])
const h0 = T.zeros([B, H])
type P = { wx: Var; wh: Var; b: Var }

function cell(h: Var, xp: Var, wh: Var): Var {
  const [xz, xr, xn] = AG.split(xp, 3, 1)
  const [hz, hr, hn] = AG.split(AG.matmul(h, wh), 3, 1)
  const z = AG.sigmoid(AG.add(xz!, hz!))
  const r = AG.sigmoid(AG.add(xr!, hr!))
  const n = AG.tanh(AG.add(xn!, AG.mul(r, hn!)))
  return AG.add(AG.mul(AG.sub(1, z), n), AG.mul(z, h))
}
const project = (p: P) => AG.reshape(AG.add(AG.matmul(AG.reshape(x, [TT * B, F]), p.wx), p.b), [TT, B, 3 * H])
const lossScan = (p: P) => {
  const [, ys] = AG.scan(
    (h: Var, xp: Var) => {
      const next = cell(h, xp, p.wh)
      return [next, next] as const
    },
    h0,
    project(p),
  )
  return AG.mean(AG.square(ys))
}
const lossLoop = (p: P) => {
  const xp = AG.split(project(p), TT, 0)
  let h: Var = AG.toVar('loop', h0)
  const ys: Var[] = []
  for (let t = 0; t < TT; t++) ys.push((h = cell(h, AG.reshape(xp[t]!, [B, 3 * H]), p.wh)))
  return AG.mean(AG.square(AG.stack(ys, 0)))
}
const vgScan = AG.valueAndGrad(lossScan)
const vgLoop = AG.valueAndGrad(lossLoop)
const xs2 = T.reshape(x, [TT * B, F])
const hh = T.normal(k4!, [B, H])
const g3 = T.normal(k4!, [B, 3 * H])
const gAll = T.normal(k4!, [TT * B, 3 * H])
const matmulsOnly = () => {
  T.matmul(xs2, params.wx)
  T.matmul(xs2, gAll, { transposeA: true })
  for (let t = 0; t < TT; t++) {
    T.matmul(hh, params.wh)
    T.matmul(g3, params.wh, { transposeB: true })
    T.matmul(hh, g3, { transposeA: true })
  }
}
const r = race({
  scan: () => vgScan(params),
  loop: () => vgLoop(params),
  forwardNoGraph: () => AG.noGrad(() => lossLoop(params as never)),
  matmulsOnly,
})
console.log(
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, `${(v / 1000).toFixed(2)} ms`])),
  `(${T.kernelBackend()} kernels)`,
)
