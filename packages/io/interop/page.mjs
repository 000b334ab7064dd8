#!/usr/bin/env node
// @gd's half of the check of the docs page "Keep and move your model" (apps/docs/guide/keep-and-move.md), run by
// run.sh after `pnpm build` (it uses the built @gd/io):
//   node page.mjs write <dir>  writes model.safetensors as the page's MLP (784 → 128 → 10) would be: the tree of a
//                              sequential of linear, relu, linear, with every float32 bit pattern class in it
//   node page.mjs read <dir>   reads from-python.safetensors (written by the page's Python block, page.py) back into
//                              that tree with loadSafetensors({ like }) and compares every bit with model.safetensors
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadSafetensors, saveSafetensors } from '@gd/io'
import { Tensor } from '@gd/tensor'

/** Values with a pattern, so a transposed or shuffled tensor shows: index-dependent, signs mixed, special values. */
function values(n, seed) {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed + i * 0.37) * 0.1
  out[0] = -0
  out[1] = 1e-45 // the smallest subnormal
  out[2] = 3.4028234663852886e38
  return out
}

// The parameters of sequential(linear(784, 128), relu(), linear(128, 10)): relu has none (an empty object).
const tree = () => [
  { w: new Tensor(values(784 * 128, 1), [784, 128], 'float32'), b: new Tensor(values(128, 2), [128], 'float32') },
  {},
  { w: new Tensor(values(128 * 10, 3), [128, 10], 'float32'), b: new Tensor(values(10, 4), [10], 'float32') },
]

const bits = (t) => new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)
const [mode, dir] = process.argv.slice(2)
if (mode === 'write') {
  writeFileSync(join(dir, 'model.safetensors'), saveSafetensors(tree()))
  console.log(`page: @gd wrote ${dir}/model.safetensors (the page's MLP: 0.w, 0.b, 2.w, 2.b)`)
} else if (mode === 'read') {
  const want = tree()
  const { tree: got } = loadSafetensors(readFileSync(join(dir, 'from-python.safetensors')), { like: want })
  const problems = []
  for (const i of [0, 2]) {
    for (const k of ['w', 'b']) {
      const [a, b] = [bits(got[i][k]), bits(want[i][k])]
      const bad = a.findIndex((v, j) => v !== b[j])
      if (a.length !== b.length || bad >= 0) problems.push(`${i}.${k}: bits ${a[bad]} at ${bad}, expected ${b[bad]}`)
    }
  }
  if (problems.length > 0) {
    console.error(`page: from-python.safetensors differs:\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.log("page: @gd read the file the page's Python block wrote back into the model's tree, every bit equal")
} else {
  console.error('usage: node page.mjs write|read <dir>')
  process.exit(2)
}
