import { describe, expect, it } from 'vitest'
import { parseArgs } from '../cli.js'
import { classify, ruleFor, type CpuProfile } from './classify.js'
import { profileStep } from './profile.js'
import { profileMarkdown, profileRows, profileText } from './report.js'

const src = (file: string) => `file:///work/main/packages/tensor/src/${file}`
const frame = (id: number, functionName: string, url: string, children?: number[]) => ({
  id,
  callFrame: { functionName, url },
  ...(children === undefined ? {} : { children }),
})

/**
 * A hand-written profile: a step that streams operands into Wasm memory (`stream`, and the `set`
 * builtin under it), runs the Wasm gemm through its feeder, allocates, runs a GELU kernel calling
 * `Math.exp` and walks the autograd graph; plus GC, idle and V8's own '(program)' samples.
 */
const fixture: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 3, 4, 10]),
    frame(2, '(garbage collector)', ''),
    frame(3, '(idle)', ''),
    frame(4, 'step', 'file:///work/main/apps/bench/src/workloads/namedStep.ts', [5, 7, 9, 12, 14]),
    frame(5, 'stream', src('kernels/wasm/load.ts'), [6]),
    frame(6, 'set', ''),
    frame(7, '', src('kernels/wasm/wasmGemm.ts'), [8]),
    frame(8, 'wasm-function[3]', 'wasm://wasm/2ddeaafa'),
    frame(9, 'allocate', src('dtype.ts')),
    frame(10, '(program)', ''),
    frame(12, 'forwardKernel', 'file:///work/main/packages/autograd/src/ops/gelu.ts', [13]),
    frame(13, 'exp', ''),
    frame(14, 'backpropagate', 'file:///work/main/packages/autograd/src/internal/engine.ts'),
  ],
  // GC ×2, idle ×3, set ×1, stream ×1, the feeder ×2, Wasm ×4, allocate ×1, (program) ×1,
  // forwardKernel ×1, exp ×1, backpropagate ×2: 16 counted samples
  samples: [2, 2, 3, 3, 3, 6, 5, 7, 7, 8, 8, 8, 8, 9, 10, 12, 13, 14, 14],
}

describe('classify', () => {
  it('splits the samples by the rules, builtins counting as their callers, idle left out', () => {
    const b = classify(fixture)
    expect(b.samples).toBe(16)
    expect(b.idle).toBe(3)
    expect(b.shares).toEqual({
      arithmetic: 6 / 16, // Wasm 4, forwardKernel 1, exp in forwardKernel 1
      copies: 4 / 16, // the feeder 2, stream 1, set in stream 1
      allocation: 1 / 16,
      gc: 2 / 16,
      other: 3 / 16, // backpropagate 2, (program) 1
    })
    expect(b.top.copies).toEqual([
      { frame: '(anonymous) wasmGemm.ts', share: 2 / 16 },
      { frame: 'set in stream load.ts', share: 1 / 16 },
      { frame: 'stream load.ts', share: 1 / 16 },
    ])
    expect(b.top.arithmetic[1]).toEqual({ frame: 'exp in forwardKernel gelu.ts', share: 1 / 16 })
    expect(classify(fixture, undefined, 1).top.other).toEqual([{ frame: 'backpropagate engine.ts', share: 2 / 16 }])
  })
  it('counts nothing in an empty profile and rejects a sample of an unknown node', () => {
    expect(classify({ nodes: [frame(1, '(root)', '')], samples: [] }).shares.other).toBe(0)
    expect(() => classify({ ...fixture, samples: [99] })).toThrow(
      'classify: a sample names node 99, which the profile does not have',
    )
  })
  it('names frames by function name, and anonymous ones by file name in either kernel layout', () => {
    const rule = (functionName: string, url: string) => ruleFor({ functionName, url })?.category
    expect(rule('', src('kernels/gemm/wasm.ts'))).toBe('copies') // the feeder after the kernels' move
    expect(rule('', src('kernels/wasm/wasmElementwise.ts'))).toBe('copies')
    expect(rule('gemm', src('kernels/gemm/reference.ts'))).toBe('arithmetic')
    expect(rule('', src('kernels/elementwise/loops.ts'))).toBe('arithmetic')
    expect(rule('stream', src('kernels/runtime/load.ts'))).toBe('copies')
    expect(rule('gatherStrided', src('tensor.ts'))).toBe('copies')
    expect(rule('slice', src('slice.ts'))).toBeUndefined() // @gd's slice makes a view: only the builtin copies
    expect(rule('slice', '')).toBe('copies')
    expect(rule('', 'file:///work/main/packages/nn/src/recurrent/cells.ts')).toBe('arithmetic')
    expect(rule('Var', 'file:///work/main/packages/autograd/src/variable.ts')).toBe('allocation')
    expect(rule('alloc', 'file:///work/main/packages/tensor/src/kernels/runtime/scope.ts')).toBe('allocation')
    expect(rule('alloc', 'file:///work/main/packages/elsewhere/src/pool.ts')).toBeUndefined() // other
  })
})

describe('profileStep', () => {
  it('profiles a step in this process', async () => {
    let sink = 0
    const step = () => {
      const a = new Float32Array(4096)
      for (let i = 0; i < a.length; i++) sink += Math.sqrt((a[i] = i))
    }
    const p = await profileStep(step, { warmup: 1, minMs: 30, minSteps: 5, intervalUs: 100 })
    expect(sink).toBeGreaterThan(0)
    expect(p.steps).toBeGreaterThanOrEqual(5)
    expect(p.samples).toBeGreaterThan(0)
    expect(p.msPerStep).toBeGreaterThan(0)
    expect(p.gcMsPerStep).toBeGreaterThanOrEqual(0)
    expect(p.pageFaultsPerStep).toBeGreaterThanOrEqual(0)
    expect(Object.values(p.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
  })
})

describe('the profile report', () => {
  const profile = {
    ...classify(fixture),
    steps: 20,
    msPerStep: 85.5,
    gcMsPerStep: 12.25,
    pageFaultsPerStep: 1023.6,
    intervalUs: 100,
  }
  const results = [
    { workload: 'w', profile },
    { workload: 'v', error: 'no @gd' },
  ]
  it('prints shares, samples, GC milliseconds and page faults per workload, or the reason', () => {
    expect(profileRows(results)).toEqual([
      ['w', '85.5', '37.5%', '25.0%', '6.3%', '12.5%', '18.8%', '16', '12.3', '1024'],
      ['v', '—', '—', '—', '—', '—', '—', '—', '—', 'cannot run: no @gd'],
    ])
    const text = profileText(results).split('\n')
    expect(text[0]).toMatch(
      /^workload\s+ms\/step\s+arithmetic\s+copies\s+allocation\s+GC\s+other\s+samples\s+GC ms\/step\s+faults\/step$/,
    )
    expect(text).toContain('  gc          (garbage collector) 12.5%')
    expect(profileMarkdown(results).split('\n')[2]).toBe(
      '| w | 85.5 | 37.5% | 25.0% | 6.3% | 12.5% | 18.8% | 16 | 12.3 | 1024 |',
    )
  })
})

describe('--profile', () => {
  it('is a flag, and not one to combine with --threads', () => {
    expect(parseArgs(['--profile', '--only', 'GRU step'])).toEqual({
      quick: false,
      profile: true,
      only: 'GRU step',
      out: 'results',
    })
    expect(() => parseArgs(['--profile', '--threads'])).toThrow(
      'bench: --profile profiles @gd on one thread; leave out --threads',
    )
    expect(() => parseArgs(['--profile=yes'])).toThrow('bench: unknown argument --profile=yes')
  })
})
