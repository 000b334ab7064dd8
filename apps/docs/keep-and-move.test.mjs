// What the page "Keep and move your model" (guide/keep-and-move.md) states, checked without a browser: the errors
// its blocks print, the round trip its box shows, the epoch it trains and the tolerance it and check-pages.mjs use.
// (The box itself runs in Chromium in check-pages.mjs; the Python block runs in packages/io/interop/run.sh.)
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { mul } from '@gd/autograd'
import { linear, relu, sequential, stateless } from '@gd/nn'
import { stepsPerEpoch } from '@gd/train'
// @gd/io through its public entry, as keepMove.ts reaches it (apps/docs/package.json does not list it yet)
import { loadSafetensors, saveSafetensors } from '@gd/io'
import { decodeDigits } from './examples/mnist.ts'
import { namedLeaves, safetensorsRoundTrip, toOnnx, TOLERANCE } from './.vitepress/theme/keepMove.ts'

const page = readFileSync(new URL('./guide/keep-and-move.md', import.meta.url), 'utf8')

/** The message a block of the page prints: the comment lines after its `console.log((e as Error).message)`. */
function printedAfter(start) {
  const lines = page.slice(page.indexOf(start)).split('\n')
  const at = lines.findIndex((l) => l.includes('console.log((e as Error).message)'))
  const comment = []
  for (let i = at + 1; /^\s*\/\/ /.test(lines[i]); i++) comment.push(lines[i].trim().slice(3))
  return comment.join(' ')
}

const thrown = (f) => {
  try {
    f()
  } catch (e) {
    return e.message
  }
  return 'nothing thrown'
}

describe('the keep-and-move page', () => {
  it('prints the error loadSafetensors gives for a file of another size', () => {
    const bytes = saveSafetensors(sequential(linear(784, 64), relu(), linear(64, 10)).init(0))
    const bigger = sequential(linear(784, 128), relu(), linear(128, 10)).init(0)
    expect(printedAfter('const bigger')).toBe(thrown(() => loadSafetensors(bytes, { like: bigger })))
  })

  it('prints the error exportOnnx gives for a layer made with stateless', () => {
    const double = stateless('double', (x) => mul(x, 2))
    const model = sequential(linear(4, 4), double)
    expect(printedAfter("stateless('double'")).toBe(thrown(() => toOnnx(model, model.init(0), [4])))
  })

  it("shows the MLP's four tensors coming back from safetensors bit for bit, as F32, under PyTorch's dotted names", () => {
    const params = sequential(linear(784, 128), relu(), linear(128, 10)).init(0)
    const { bytes, rows } = safetensorsRoundTrip(params)
    expect(rows).toEqual([
      { name: '0.w', shape: [784, 128], dtype: 'F32', identical: true },
      { name: '0.b', shape: [128], dtype: 'F32', identical: true },
      { name: '2.w', shape: [128, 10], dtype: 'F32', identical: true },
      { name: '2.b', shape: [10], dtype: 'F32', identical: true },
    ])
    // 101,770 float32 values and a header of a few hundred bytes: the box's "397.9 KB"
    expect(bytes.length - 101_770 * 4).toBeGreaterThan(0)
    expect(bytes.length - 101_770 * 4).toBeLessThan(512)
    expect(namedLeaves(params).reduce((n, [, t]) => n + t.size, 0)).toBe(101_770)
  })

  it('trains one epoch of 125 steps on 4,000 digits, as the box says', () => {
    const digits = decodeDigits(gunzipSync(readFileSync(new URL('./public/mnist-digits.bin', import.meta.url))))
    expect(digits.train.y.size).toBe(4000)
    expect(stepsPerEpoch(4000, 32)).toBe(125)
  })

  it('uses one tolerance, 1e-4, in the box, in check-pages.mjs and in the prose', () => {
    expect(TOLERANCE).toBe(1e-4)
    const checker = readFileSync(new URL('./check-pages.mjs', import.meta.url), 'utf8')
    expect(checker).toMatch(/const ortTolerance = 1e-4\n/)
    expect(page).toContain('anything above 10⁻⁴ would be a bug')
  })
})
