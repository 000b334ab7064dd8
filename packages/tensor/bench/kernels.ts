/**
 * Speed of the kernels: matmul (plain, each operand transposed by flag, and a transposed view),
 * conv2d forward and both gradients, and pooling. float32 products run twice, on the JavaScript gemm
 * (`useWasm(false)`) and on the WebAssembly SIMD128 gemm the seam picks by default, with the ratio.
 * Prints the median of 7 timed runs after 2 warm-up runs. One core; numbers move with whatever else
 * the machine is doing.
 *
 *   node --conditions=@gd/source --import tsx packages/tensor/bench/kernels.ts
 */
import {
  Tensor,
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  kernelBackend,
  matmul,
  maxPool2d,
  maxPool2dBackward,
  useWasm,
  type Conv2dOptions,
} from '@gd/tensor'

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
  const rate = (ms: number): string => `${ms.toFixed(2).padStart(9)} ms ${(flops / ms / 1e6).toFixed(2).padStart(7)} GFLOP/s`
  console.log(`${label.padEnd(44)} js ${rate(js)}   wasm ${rate(wasm)}   ${(js / wasm).toFixed(1).padStart(5)}×`)
}

console.log(`@gd/tensor kernels, float32 unless marked, median of ${SAMPLES} after ${WARMUP} warm-up runs (shared machine)`)
console.log(`gemm backend by default: ${kernelBackend()}\n`)

{
  // let the JIT reach its top tier on the gemm loops (both backends) before anything is timed
  const w = randomTensor([256, 256])
  const restore = useWasm(false)
  for (let i = 0; i < 20; i++) matmul(w, w)
  restore()
  for (let i = 0; i < 20; i++) matmul(w, w)
}

for (const n of [256, 512, 1024]) {
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

{
  const n = 512
  const a = randomTensor64([n, n])
  const b = randomTensor64([n, n])
  row(`matmul ${n} float64: A·B`, time(() => matmul(a, b)), 2 * n ** 3)
  row(`matmul ${n} float64: Aᵀ·B (transposeA)`, time(() => matmul(a, b, { transposeA: true })), 2 * n ** 3)
  console.log()
}

const convCases: { name: string; x: number[]; w: number[]; options: Conv2dOptions }[] = [
  { name: 'conv 3x3 same, x[32,16,32,32] w[32,16,3,3]', x: [32, 16, 32, 32], w: [32, 16, 3, 3], options: { padding: 'same' } },
  { name: 'conv 5x5 valid, x[64,1,28,28] w[32,1,5,5]', x: [64, 1, 28, 28], w: [32, 1, 5, 5], options: {} },
  { name: 'conv 3x3 s2, x[32,32,16,16] w[64,32,3,3]', x: [32, 32, 16, 16], w: [64, 32, 3, 3], options: { stride: 2, padding: 1 } },
]
for (const c of convCases) {
  const x = randomTensor(c.x)
  const w = randomTensor(c.w)
  const y = conv2d(x, w, c.options)
  const dy = randomTensor([...y.shape])
  const flops = 2 * y.size * c.w[1]! * c.w[2]! * c.w[3]!
  console.log(c.name)
  compare('  forward', () => conv2d(x, w, c.options), flops)
  compare('  backward input', () => conv2dBackwardInput(dy, w, c.x, c.options), flops)
  compare('  backward filter', () => conv2dBackwardFilter(x, dy, c.w, c.options), flops)
}

console.log('\npool 2x2 s2, x[32,32,32,32]')
const px = randomTensor([32, 32, 32, 32])
const pdy = randomTensor([32, 32, 16, 16])
const pool = { kernelSize: 2 }
const report = (label: string, ms: number): void => console.log(`  ${label.padEnd(42)} ${ms.toFixed(2).padStart(9)} ms`)
report('maxPool2d', time(() => maxPool2d(px, pool)))
report('maxPool2dBackward', time(() => maxPool2dBackward(pdy, px, pool)))
report('avgPool2d', time(() => avgPool2d(px, pool)))
report('avgPool2dBackward', time(() => avgPool2dBackward(pdy, px.shape, pool)))
