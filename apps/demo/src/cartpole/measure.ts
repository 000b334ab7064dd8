// Measures the cart-pole agent (not a test; run by hand from apps/demo):
//   node --conditions=@gd/source --import tsx src/cartpole/measure.ts [seeds=10] [lr=0.01] [wasm]
// 1. Each baseline on seeds 0…n−1 with the demo's settings: episodes and seconds to an average return
//    of 195 over 20 episodes (a cap of 2000 episodes and 60 s).
// 2. The cost of one acting step (the policy on one observation under noGrad, then categorical) and of
//    one learning step per episode step, against the same arithmetic written as plain loops.
import { categorical, foldIn, initWasm, prngKey, tensor, type PRNGKey } from '@gd/tensor'
import { baselines, reinforce } from './reinforce.js'
import { train } from './train.js'

const seeds = Number(process.argv[2] ?? 10)
const lr = Number(process.argv[3] ?? 0.01)
if (process.argv.includes('wasm')) await initWasm()

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

for (const baseline of baselines) {
  const rows: { seed: number; solved: boolean; episodes: number; steps: number; seconds: number }[] = []
  for (let seed = 0; seed < seeds; seed++) {
    const r = await train({ learningRate: lr, gamma: 0.99, hidden: 32, baseline, seed, episodes: 2000, maxSeconds: 60, logEvery: 1e9 }, () => {})
    rows.push({ seed, solved: r.solved, episodes: r.returns.length, steps: r.returns.reduce((a, b) => a + b, 0), seconds: r.seconds })
  }
  const solved = rows.filter((r) => r.solved)
  console.log(`${baseline} baseline, lr ${lr}: solved ${solved.length}/${seeds}; median ${median(solved.map((r) => r.episodes))} episodes, median ${median(solved.map((r) => r.seconds)).toFixed(2)} s, slowest ${Math.max(...solved.map((r) => r.seconds)).toFixed(2)} s`)
  console.log(`  ${rows.map((r) => `${r.seed}:${r.solved ? `${r.episodes}ep/${r.seconds.toFixed(1)}s` : 'no'}`).join(' ')}`)
}

// --- cost of a step against its arithmetic ---
const agent = reinforce({ learningRate: lr, gamma: 0.99, hidden: 32, baseline: 'value', seed: 0 })
const obs = [0.01, -0.02, 0.03, 0.04] as const
const time = (n: number, f: (i: number) => number): number => {
  let sink = 0
  for (let i = 0; i < Math.min(n, 2000); i++) sink += f(i)
  const t0 = performance.now()
  for (let i = 0; i < n; i++) sink += f(i)
  if (Number.isNaN(sink)) console.log('NaN')
  return ((performance.now() - t0) / n) * 1000
}
const key: PRNGKey = prngKey(0)
const act = time(20000, (i) => agent.act(obs, foldIn(key, i)))
const forward = time(20000, () => agent.probabilityRight(obs))
const logits = tensor([[0.1, -0.2]])
const sample = time(20000, (i) => categorical(foldIn(key, i), logits).data[0]!)
// the same policy as loops over plain arrays: 4·32 + 32·2 multiply-adds, 32 tanh, one exp
const w1 = new Float32Array(128).fill(0.1)
const w2 = new Float32Array(64).fill(0.1)
const plain = time(20000, () => {
  let l0 = 0
  let l1 = 0
  for (let j = 0; j < 32; j++) {
    let a = 0
    for (let k = 0; k < 4; k++) a += obs[k]! * w1[k * 32 + j]!
    const h = Math.tanh(a)
    l0 += h * w2[2 * j]!
    l1 += h * w2[2 * j + 1]!
  }
  return 1 / (1 + Math.exp(l0 - l1))
})
console.log(`act: ${act.toFixed(1)} µs a step (policy forward ${forward.toFixed(1)} µs, categorical ${sample.toFixed(1)} µs); the forward as plain loops ${plain.toFixed(2)} µs (${(forward / plain).toFixed(0)}×)`)

for (const steps of [20, 200]) {
  const episode = {
    observations: Float32Array.from({ length: 4 * steps }, (_, i) => Math.sin(i) * 0.05),
    actions: Int32Array.from({ length: steps }, (_, i) => i % 2),
    rewards: new Float64Array(steps).fill(1),
  }
  const learner = reinforce({ learningRate: 1e-4, gamma: 0.99, hidden: 32, baseline: 'value', seed: 0 })
  const learn = time(300, () => learner.learn(episode).policyLoss)
  // The same arithmetic as plain loops: per step, both networks forward (4·32 + 32·3 = 224
  // multiply-adds and 64 tanh) and backward (about twice the multiply-adds, no tanh); Adam on the
  // 419 parameters is left out.
  const hidden = new Float32Array(64)
  const plainLearn = time(300, () => {
    let s = 0
    const x = episode.observations
    for (let t = 0; t < steps; t++) {
      for (let j = 0; j < 64; j++) {
        let a = 0
        for (let k = 0; k < 4; k++) a += x[4 * t + k]! * w1[(k * 32 + j) % 128]!
        hidden[j] = Math.tanh(a)
      }
      for (let rep = 0; rep < 3; rep++) {
        for (let j = 0; j < 64; j++) {
          for (let k = 0; k < 4; k++) s += x[4 * t + k]! * hidden[j]!
        }
        for (let j = 0; j < 96; j++) s += hidden[j % 64]! * w2[j % 64]!
      }
    }
    return s
  })
  // time() gives µs a call
  console.log(`learn, ${steps} steps: ${(learn / 1000).toFixed(2)} ms (${(learn / steps).toFixed(1)} µs a step); its arithmetic as plain loops ${(plainLearn / 1000).toFixed(3)} ms (${(learn / plainLearn).toFixed(1)}×)`)
}
