// Softmax with a temperature, computed with @gd/autograd and @gd/losses: the probabilities of a few
// logits divided by T, the cross-entropy for one target class, and its gradient with respect to the
// logits, which grad computes and which equals (softmax(z / T) − onehot) / T.
import { div, grad, softmax } from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { tensor } from '@gd/tensor'

// #region softmax
/** What the widget shows for logits z, temperature T and a target class. */
export function softmaxAt(logits: number[], temperature: number, target: number) {
  const z = tensor([logits], { dtype: 'float64' })
  const label = tensor([target], { dtype: 'int32' })
  const p = Array.from(softmax(div(z, temperature)).value.data, Number)
  const loss = (zv: typeof z) => softmaxCrossEntropy(div(zv, temperature), label)
  const cost = loss(z).value.item()
  const gradient = Array.from(grad(loss)(z).data, Number)
  // The entropy H(p) in nats: 0 for a certain choice, ln K for K equally likely classes.
  const entropy = -p.reduce((h, pi) => (pi > 0 ? h + pi * Math.log(pi) : h), 0)
  return { probabilities: p, cost, gradient, entropy }
}

/** Each class's probability as the temperature sweeps from 0.05 to 20 (evenly in log T). */
export function temperatureSweep(logits: number[], n = 121) {
  const t = Array.from({ length: n }, (_, i) => 0.05 * 400 ** (i / (n - 1)))
  const series: Record<string, number[]> = {}
  logits.forEach((_, c) => (series[`p${c + 1}`] = []))
  for (const temperature of t) {
    softmaxAt(logits, temperature, 0).probabilities.forEach((p, c) => series[`p${c + 1}`]!.push(p))
  }
  return { t, series }
}
// #endregion softmax
