// The upsampling family's rows for the package-wide suites: fuzz rows (src/fuzz.test.ts), float64
// gradient rows (src/gradients.test.ts) and the exports those rows need not cover.
import type { Var } from '@gd/autograd'
import * as api from '@gd/nn'
import { anywhere, type FuzzCall, type GradientRow } from '@gd/testing'
import { image, layer } from '../fuzzLayer.js'

export const fuzzRows: Record<string, FuzzCall | FuzzCall[]> = {
  convTranspose2d: layer(
    api.convTranspose2d,
    () => [2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, dilation: 1, groups: 1, bias: true }],
    image,
    3,
  ),
  upsample2d: [
    ...layer(api.upsample2d, () => [{ scale: 2, mode: 'bilinear', alignCorners: true }], image, 0),
    ...layer(api.upsample2d, () => [{ scale: [2, 3], mode: 'nearest' }], image, 0),
  ],
}

const up = api.convTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 })
const grouped = api.convTranspose2d(2, 2, [2, 3], { stride: [1, 2], padding: [0, 1], dilation: [2, 1], groups: 2 })
const nearest = api.upsample2d({ scale: [2, 3] })
const bilinear = api.upsample2d({ mode: 'bilinear' })
const aligned = api.upsample2d({ scale: [3, 2], mode: 'bilinear', alignCorners: true })

export const gradientRows: Record<string, GradientRow<Var>> = {
  // stride 2, padding 1, outputPadding 1: 2×2 → 4×4, as a DCGAN generator's 7×7 → 14×14
  convTranspose2d: {
    f: (x, w, b) => up.apply({ w: w!, b: b! }, x!),
    inputs: [
      [[1, 2, 2, 2], anywhere],
      [[2, 3, 3, 3], anywhere],
      [[3], anywhere],
    ],
  },
  'convTranspose2d (pairs, dilation, groups, no bias)': {
    f: (x, w) => grouped.apply({ w: w! }, x!),
    inputs: [
      [[2, 2, 2, 2], anywhere],
      [[2, 1, 2, 3], anywhere],
    ],
  },
  upsample2d: { f: (x) => nearest.apply({}, x!), inputs: [[[1, 2, 2, 2], anywhere]] },
  'upsample2d (bilinear)': { f: (x) => bilinear.apply({}, x!), inputs: [[[2, 1, 3, 2], anywhere]] },
  'upsample2d (bilinear, alignCorners)': { f: (x) => aligned.apply({}, x!), inputs: [[[1, 2, 2, 3], anywhere]] },
}

export const covered: string[] = []
