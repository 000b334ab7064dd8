// The demo: fit a line to noisy points with @gd packages, printing the falling loss.
// (It becomes the MNIST demo once @gd/nn and @gd/train land.)
import { constant } from '@gd/schedules'
import { fitLine } from './linearRegression.js'

const xs = Array.from({ length: 20 }, (_, i) => i / 10)
const ys = xs.map((x, i) => 2 * x + 1 + 0.05 * Math.sin(7 * i))
const { w, b, history } = fitLine(xs, ys, constant(0.3), 200)
for (const { step, loss } of history.filter((h) => h.step % 40 === 0 || h.step === 199)) {
  console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(6)}`)
}
console.log(`fitted y = ${w.toFixed(3)}·x + ${b.toFixed(3)} (data made from y = 2x + 1 plus noise)`)
