// The log-probability of each row's chosen class, three ways, forward and forward + backward:
// takeAlongAxis, a one-hot product summed over classes, and gather on the flattened scores.
// Run: cd packages/autograd && node --conditions=@gd/source --import tsx bench/takeAlongAxis.ts
import * as T from '@gd/tensor'
import * as AG from '@gd/autograd'
import { race } from './race.js'

const us = (v: number) => v.toFixed(1)
for (const [B, C] of [
  [32, 2],
  [512, 30],
  [256, 1000],
  [4096, 64],
] as const) {
  const x = T.uniform(T.prngKey(1), [B, C])
  const rows = T.randint(T.prngKey(2), [B], 0, C)
  const idx = T.reshape(rows, [B, 1])
  const flat = T.tensor(Int32Array.from(rows.data, (c, b) => b * C + c))
  const gTake = AG.grad((v: AG.Var) => AG.sum(AG.takeAlongAxis(v, idx, 1)))
  const gHot = AG.grad((v: AG.Var) => AG.sum(AG.mul(v, T.oneHot(rows, C))))
  const gGather = AG.grad((v: AG.Var) => AG.sum(AG.gather(AG.reshape(v, [-1]), flat)))
  const r = race({
    take: () => T.takeAlongAxis(x, idx, 1),
    hot: () => T.sum(T.mul(x, T.oneHot(rows, C)), { axis: 1, keepdims: true }),
    gather: () => T.gather(T.reshape(x, [-1]), flat),
    gTake: () => gTake(x),
    gHot: () => gHot(x),
    gGather: () => gGather(x),
  })
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`
  console.log(
    `[${B},${C}] forward µs: takeAlongAxis ${us(r.take!)}, oneHot·sum ${us(r.hot!)} (${ratio(r.hot!, r.take!)}), flat gather ${us(r.gather!)} (${ratio(r.gather!, r.take!)})` +
      ` | forward+backward µs: takeAlongAxis ${us(r.gTake!)}, oneHot·sum ${us(r.gHot!)} (${ratio(r.gHot!, r.gTake!)}), flat gather ${us(r.gGather!)} (${ratio(r.gGather!, r.gTake!)})`,
  )
}
