// The transformer family's rows for the package-wide suites: fuzz rows (src/fuzz.test.ts), float64
// gradient rows (src/gradients.test.ts) and the exports those rows need not cover.
import type { Var } from '@gd/autograd'
import type { FuzzCall, GradientRow } from '@gd/testing'

export const fuzzRows: Record<string, FuzzCall | FuzzCall[]> = {}
export const gradientRows: Record<string, GradientRow<Var>> = {}
export const covered: string[] = []
