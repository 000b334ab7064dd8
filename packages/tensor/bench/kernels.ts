/**
 * Speed of the kernels: matmul (plain, each operand transposed by flag, and a transposed view),
 * conv2d forward and both gradients, pooling, and the float32 elementwise ops. float32 work runs on the JavaScript kernels
 * (`useWasm(false)`) and on the WebAssembly SIMD128 ones the seam picks by default, with the ratio.
 * Convolutions run a third way too, as before the Wasm conv kernels: im2col and col2im in
 * JavaScript around the Wasm gemm (`gemm only`), with the ratio of that over the fused kernel.
 * Prints the median of 7 timed runs after 2 warm-up runs. One core; numbers move with whatever else
 * the machine is doing.
 *
 *   node --conditions=@gd/source --import tsx packages/tensor/bench/kernels.ts [matmul|conv|pool|elementwise|crossover]
 *
 * With a section name, only that section runs. `crossover` times both paths of each kernel family
 * around its threshold in `src/kernels/registry.ts` (the size from which the Wasm kernel runs), to
 * re-measure one.
 */
import {
  Tensor,
  avgPool2d,
  kernels,
  useKernels,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  add,
  exp,
  initWasm,
  kernelBackend,
  log,
  mul,
  relu,
  sigmoid,
  sum,
  tanh,
  matmul,
  maxPool2d,
  maxPool2dBackward,
  useWasm,
  type Conv2dOptions,
} from '@gd/tensor'

/** The sections to run: the one named on the command line, or all. */
const only = process.argv[2]
const runs = (section: string): boolean => only === undefined || only === section

const WARMUP = 2
const SAMPLES = 7

function randomTensor(shape: number[]): Tensor<'float32'> {
  const size = shape.reduce((a, b) => a * b, 1)
  const data = new Float32Array(size)
  for (let i = 0; i < size; i++) data[i] = Math.random() * 2 - 1
  return new Tensor(data, shape, 'float32')
}

function randomTensor64(shape: number[]): Tensor<'float64'> {
  return new Tensor(Float64Array.from(randomTensor(shape).data), shape, 'float64')
}

/** Median wall time of `run` in milliseconds. */
function time(run: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) run()
  const samples: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now()
    run()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(SAMPLES / 2)]!
}

function row(label: string, ms: number, flops: number): void {
  const gflops = flops / ms / 1e6
  console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms ${gflops.toFixed(2).padStart(7)} GFLOP/s`)
}

/** Times `run` on the JavaScript gemm and on the default (Wasm) one, one row with both and the ratio. */
function compare(label: string, run: () => unknown, flops: number): void {
  const restore = useWasm(false)
  const js = time(run)
  restore()
  const wasm = time(run)
  const rate = (ms: number): string =>
    `${ms.toFixed(2).padStart(9)} ms ${(flops / ms / 1e6).toFixed(2).padStart(7)} GFLOP/s`
  console.log(`${label.padEnd(44)} js ${rate(js)}   wasm ${rate(wasm)}   ${(js / wasm).toFixed(1).padStart(5)}×`)
}

console.log(
  `@gd/tensor kernels, float32 unless marked, median of ${SAMPLES} after ${WARMUP} warm-up runs (shared machine)`,
)
console.log(`gemm backend by default: ${kernelBackend()}\n`)

if (runs('matmul')) {
  // let the JIT reach its top tier on the gemm loops (both backends) before anything is timed
  const w = randomTensor([256, 256])
  const restore = useWasm(false)
  for (let i = 0; i < 20; i++) matmul(w, w)
  restore()
  for (let i = 0; i < 20; i++) matmul(w, w)
}

for (const n of runs('matmul') ? [256, 512, 1024] : []) {
  const a = randomTensor([n, n])
  const b = randomTensor([n, n])
  const bView = new Tensor(b.storage, [n, n], 'float32', [1, n])
  const flops = 2 * n ** 3
  compare(`matmul ${n}: A·B`, () => matmul(a, b), flops)
  compare(`matmul ${n}: A·Bᵀ (transposeB)`, () => matmul(a, b, { transposeB: true }), flops)
  compare(`matmul ${n}: Aᵀ·B (transposeA)`, () => matmul(a, b, { transposeA: true }), flops)
  compare(`matmul ${n}: Aᵀ·Bᵀ (both flags)`, () => matmul(a, b, { transposeA: true, transposeB: true }), flops)
  compare(`matmul ${n}: A·view (strides [1, n])`, () => matmul(a, bView), flops)
  console.log()
}

if (runs('matmul')) {
  const n = 512
  const a = randomTensor64([n, n])
  const b = randomTensor64([n, n])
  row(
    `matmul ${n} float64: A·B`,
    time(() => matmul(a, b)),
    2 * n ** 3,
  )
  row(
    `matmul ${n} float64: Aᵀ·B (transposeA)`,
    time(() => matmul(a, b, { transposeA: true })),
    2 * n ** 3,
  )
  console.log()
}

/**
 * Times a convolution three ways: JavaScript kernels, im2col/col2im in JavaScript around the Wasm
 * gemm (a replaced im2col turns the fused kernel off, as before it existed), and the default.
 */
function compareConv(label: string, run: () => unknown, flops: number): void {
  const restoreWasm = useWasm(false)
  const js = time(run)
  restoreWasm()
  const { im2col } = kernels
  const restoreIm2col = useKernels({ im2col: (...args) => im2col(...args) })
  const gemmOnly = time(run)
  restoreIm2col()
  const fused = time(run)
  const rate = (ms: number): string =>
    `${ms.toFixed(2).padStart(8)} ms ${(flops / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s`
  console.log(
    `${label.padEnd(18)} js ${rate(js)}  gemm only ${rate(gemmOnly)}  wasm ${rate(fused)}  ` +
      `${(js / fused).toFixed(1).padStart(5)}× js  ${(gemmOnly / fused).toFixed(1).padStart(4)}× gemm only`,
  )
}

const convCases: {
  name: string
  x: number[]
  w: number[]
  options: Conv2dOptions
}[] = [
  {
    name: 'conv 3x3 same, x[32,16,32,32] w[32,16,3,3]',
    x: [32, 16, 32, 32],
    w: [32, 16, 3, 3],
    options: { padding: 'same' },
  },
  {
    name: 'conv 5x5 valid, x[64,1,28,28] w[32,1,5,5]',
    x: [64, 1, 28, 28],
    w: [32, 1, 5, 5],
    options: {},
  },
  {
    name: 'conv 3x3 s2, x[32,32,16,16] w[64,32,3,3]',
    x: [32, 32, 16, 16],
    w: [64, 32, 3, 3],
    options: { stride: 2, padding: 1 },
  },
]
if (runs('conv') || runs('pool')) {
  // Engines run Wasm on a baseline compiler first and swap in optimized code once a function is hot
  // (compiled in the background, so later on a busy machine): warm every conv and pooling kernel,
  // as the matmul section does for the gemm, so that no column is timed on baseline code.
  const x = randomTensor([8, 4, 16, 16])
  const w = randomTensor([8, 4, 3, 3])
  const dy = randomTensor([8, 8, 14, 14])
  const pool = { kernelSize: 2 }
  const pdy = randomTensor([8, 4, 8, 8])
  for (let i = 0; i < 200; i++) {
    conv2d(x, w)
    conv2dBackwardInput(dy, w, x.shape)
    conv2dBackwardFilter(x, dy, w.shape)
    maxPool2d(x, pool)
    maxPool2dBackward(pdy, x, pool)
    avgPool2d(x, pool)
    avgPool2dBackward(pdy, x.shape, pool)
  }
}

for (const c of runs('conv') ? convCases : []) {
  const x = randomTensor(c.x)
  const w = randomTensor(c.w)
  const y = conv2d(x, w, c.options)
  const dy = randomTensor([...y.shape])
  const flops = 2 * y.size * c.w[1]! * c.w[2]! * c.w[3]!
  console.log(c.name)
  compareConv('  forward', () => conv2d(x, w, c.options), flops)
  compareConv('  backward input', () => conv2dBackwardInput(dy, w, c.x, c.options), flops)
  compareConv('  backward filter', () => conv2dBackwardFilter(x, dy, c.w, c.options), flops)
}

if (runs('pool')) {
  console.log('\npool 2x2 s2, x[32,32,32,32] (GFLOP/s: billions of window taps a second)')
  const px = randomTensor([32, 32, 32, 32])
  const pdy = randomTensor([32, 32, 16, 16])
  const pool = { kernelSize: 2 }
  // one "flop" per window tap: 32 · 32 · 16 · 16 windows of 4 taps
  const taps = px.size
  compare('  maxPool2d', () => maxPool2d(px, pool), taps)
  compare('  maxPool2dBackward', () => maxPool2dBackward(pdy, px, pool), taps)
  compare('  avgPool2d', () => avgPool2d(px, pool), taps)
  compare('  avgPool2dBackward', () => avgPool2dBackward(pdy, px.shape, pool), taps)
}

if (runs('elementwise')) {
  await initWasm()
  // GFLOP/s here: billions of elements a second. Inputs in [-1, 1] (exp, tanh, sigmoid: the normal
  // range), log on (0, 1], and exp/sigmoid on [-100, -80], where results underflow float32.
  for (const n of [4096, 1 << 20]) {
    const x = randomTensor([n])
    const positive = new Tensor(
      x.data.map((v) => Math.abs(v) + 1e-3),
      [n],
      'float32',
    )
    const low = new Tensor(
      x.data.map((v) => -90 + 10 * v),
      [n],
      'float32',
    )
    console.log(`\nelementwise, ${n} elements (GFLOP/s: billions of elements a second)`)
    compare('  exp', () => exp(x), n)
    compare('  exp [-100, -80]', () => exp(low), n)
    compare('  sigmoid', () => sigmoid(x), n)
    compare('  sigmoid [-100, -80]', () => sigmoid(low), n)
    compare('  tanh', () => tanh(x), n)
    compare('  log', () => log(positive), n)
    compare(
      '  chain relu(sigmoid(exp(tanh(0.5x + 0.25))) · x)',
      () => relu(mul(sigmoid(exp(tanh(add(mul(x, 0.5), 0.25)))), x)),
      7 * n,
    )
  }
}

/** Microseconds per call of `run`, median of {@link SAMPLES} samples of `reps` calls each. */
function timeMany(run: () => unknown, reps: number): number {
  return (
    (time(() => {
      for (let i = 0; i < reps; i++) run()
    }) *
      1000) /
    reps
  )
}

/** One crossover row: both paths of a call of `size` (in the family's unit), and JavaScript over Wasm. */
function crossover(label: string, size: number, run: () => unknown): void {
  const reps = 2000
  const restore = useWasm(false)
  const js = timeMany(run, reps)
  restore()
  const wasm = timeMany(run, reps)
  const us = (t: number): string => `${t.toFixed(3).padStart(8)} µs`
  console.log(
    `  ${label.padEnd(34)} ${String(size).padStart(7)}  js ${us(js)}  wasm ${us(wasm)}  ${(js / wasm).toFixed(2).padStart(5)}×`,
  )
}

if (runs('crossover')) {
  await initWasm()
  console.log(
    '\ncrossovers: each family around its threshold (src/kernels/registry.ts), JavaScript over Wasm above 1: Wasm pays',
  )
  console.log('gemm (multiply-adds m·n·k; threshold 512)')
  for (const n of [4, 6, 8, 12, 16]) {
    const a = randomTensor([n, n])
    crossover(`matmul ${n}×${n}`, n ** 3, () => matmul(a, a))
  }
  console.log('elementwise (elements; threshold 64)')
  for (const n of [32, 48, 64, 128, 256]) {
    const x = randomTensor([n])
    crossover(`exp [${n}]`, n, () => exp(x))
    crossover(`add [${n}] + [${n}]`, n, () => add(x, x))
  }
  console.log('reduction (floats per row, and in all; thresholds 256 and 1024; column sums 256 in all)')
  for (const n of [256, 1024, 4096]) {
    const x = randomTensor([n])
    crossover(`sum [${n}]`, n, () => sum(x))
  }
  for (const n of [8, 16, 32]) {
    const x = randomTensor([n, n])
    crossover(`sum [${n}, ${n}] over axis 0`, n * n, () => sum(x, { axis: 0 }))
  }
  console.log('conv (multiply-adds; threshold 256)')
  for (const [c, o, h] of [
    [1, 1, 4],
    [1, 2, 6],
    [2, 4, 8],
    [4, 8, 16],
  ] as const) {
    const x = randomTensor([1, c, h, h])
    const w = randomTensor([o, c, 3, 3])
    crossover(`conv2d x[1,${c},${h},${h}] w[${o},${c},3,3]`, o * (h - 2) ** 2 * c * 9, () => conv2d(x, w))
  }
  console.log('pool (window taps; threshold 512)')
  for (const planes of [1, 4, 8, 64]) {
    const x = randomTensor([1, planes, 8, 8])
    crossover(`maxPool2d 2×2 s2 x[1,${planes},8,8]`, planes * 64, () => maxPool2d(x, { kernelSize: 2 }))
  }
  console.log('optim: see `pnpm bench --only adam` (the JavaScript loops live in @gd/optimizers)')
}
