import { fail, finite, readOptions, withDefault } from '@gd/check'
import { tensor, Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { classifyThrow, formatFuzzReports, fuzzExports } from './fuzz.js'
import { changed, nearMisses, snapshot } from './internal/fuzzValues.js'

/** A toy export with every fault the fuzz looks for. */
function sloppyScale(x: Tensor, options: { factor?: number } = {}): Tensor {
  const factor = options.factor ?? 2 // misspelt names silently ignored
  const out = tensor(Array.from(x.data, (v) => v * factor)) // x.data on a non-tensor: engine TypeError
  return out
}

/** Writes into its input, then finds it should not have. */
function sloppyFill(buffer: number[], value: number): number[] {
  buffer[0] = value
  if (typeof value !== 'number') throw new Error(`sloppyFill: value must be a number, got ${typeof value}`)
  return buffer
}

/** Returns NaN for a string. */
const sloppyHalf = (x: number): number => (x as number) / 2 + (typeof x === 'string' ? NaN : 0)

/** The same as sloppyScale, checked first. */
function scale(x: Tensor, options?: { factor?: number }): Tensor {
  if (!(x instanceof Tensor) || (x.dtype !== 'float32' && x.dtype !== 'float64') || x.rank !== 1) {
    fail('scale', 'x', 'a float tensor of rank 1', x)
  }
  const o = readOptions('scale', options, { factor: withDefault(finite, 2) })
  return tensor(Array.from(x.data, (v) => v * o.factor))
}

describe('fuzzExports', () => {
  it('finds crash, silent and mutated calls in sloppy exports', async () => {
    const api = { sloppyScale, sloppyFill, sloppyHalf }
    const report = await fuzzExports(
      'sloppy',
      api,
      {
        sloppyScale: { args: () => [tensor([1, 2]), { factor: 3 }], options: [1] },
        sloppyFill: { args: () => [[1, 2], 5], keep: { 0: 'the buffer is written on purpose' } },
        sloppyHalf: { args: () => [4] },
      },
      { examples: 1000 },
    )
    expect(report.counts.crash).toBeGreaterThan(0)
    expect(report.counts.silent).toBeGreaterThan(0)
    expect(report.counts.mutated).toBeGreaterThan(0)
    expect(report.examples.crash.map((e) => e.call)).toContain('sloppyScale(arg 0 = null)')
    const silent = report.examples.silent.map((e) => `${e.call}: ${e.detail}`)
    expect(silent).toContain('sloppyScale(option factor spelt facor): accepted it')
    expect(silent).toContain('sloppyScale(unknown option fuzzBogus): accepted it')
    expect(report.examples.mutated[0]).toEqual({
      call: 'sloppyFill(arg 1 = undefined)',
      detail: 'arg 0.0 changed, then it threw: sloppyFill: value must be a number, got undefined',
    })
    expect(report.counts.calls).toBe(
      report.counts.ok + report.counts.clear + report.counts.crash + report.counts.silent,
    )
  })

  it('finds a well-checked export clean, and the same counts on every run', async () => {
    const table = { scale: { args: () => [tensor([1, 2]), { factor: 3 }], options: [1] } }
    const report = await fuzzExports('checked', { scale }, table)
    expect(report.broken).toEqual([])
    expect(report.examples).toEqual({ crash: [], silent: [], mutated: [] })
    expect(report.counts.clear).toBeGreaterThan(20)
    expect(report.counts.crash + report.counts.silent + report.counts.mutated).toBe(0)
    expect((await fuzzExports('checked', { scale }, table)).counts).toEqual(report.counts)
  })

  it('lists exports without a row, stale rows and broken valid calls; honours exemptions', async () => {
    const api = { scale, sloppyHalf, VERSION: 3 }
    const report = await fuzzExports('t', api, {
      scale: { args: () => ['not a tensor'] },
      gone: { args: () => [] },
      VERSION: { exempt: 'a constant' },
    })
    expect(report.missing).toEqual(['sloppyHalf'])
    expect(report.stale).toEqual(['gone'])
    expect(report.broken).toEqual([
      { call: 'scale(valid call)', detail: 'scale: x must be a float tensor of rank 1, got "not a tensor"' },
    ])
    expect(formatFuzzReports([report])).toContain('t: exports without a fuzz row: sloppyHalf')
  })

  it('checks what a factory returns through then, and times out slow promises', async () => {
    const make = (o?: { rate?: number }) => (step: number) => (o as { rate: number }).rate * step
    const report = await fuzzExports(
      'f',
      { make },
      { make: { args: () => [{ rate: 0.5 }], options: [0], then: (s) => s(2) } },
      { examples: 1000 },
    )
    expect(report.examples.silent.map((e) => e.detail)).toContain('returned NaN')
    const slow = (x: number) => new Promise((resolve) => setTimeout(() => resolve(x), typeof x === 'number' ? 0 : 1000))
    const timed = await fuzzExports('s', { slow }, { slow: { args: () => [1], maxCalls: 1 } }, { slowMs: 50 })
    expect(timed.counts.crash).toBe(1)
  })
})

describe('fuzzExports: avoid and trace', () => {
  it('counts an avoided spoiling as a crash without running it, and traces every call before it runs', async () => {
    const seen: number[] = []
    const count = (n: number) => {
      seen.push(n)
      if (!Number.isSafeInteger(n) || n < 0 || n > 100) fail('count', 'n', 'an integer in [0, 100]', n)
      return n
    }
    const traced: string[] = []
    const report = await fuzzExports(
      'a',
      { count },
      { count: { args: () => [3], avoid: { 'arg 0 = 2**40': 'would hang' } } },
      { examples: 100, trace: (call) => traced.push(call) },
    )
    expect(seen).not.toContain(2 ** 40)
    expect(report.examples.crash).toEqual([{ call: 'count(arg 0 = 2**40)', detail: 'not run: would hang' }])
    expect(report.counts.crash).toBe(1)
    expect(traced).toHaveLength(report.counts.calls - 1)
    expect(traced).toContain('count(arg 0 = a symbol)')
  })
})

describe('fuzzExports: trees', () => {
  /** Writes each leaf in turn and finds a size mismatch only when it reaches it (issue 17's stepInPlace). */
  function sloppyStep(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    for (const key of Object.keys(params)) {
      const p = params[key]!.storage as Float32Array
      const g = grads[key]
      if (!(g instanceof Tensor) || g.size !== p.length)
        fail('sloppyStep', `grads.${key}`, `a tensor of size ${p.length}`, g)
      for (let i = 0; i < p.length; i++) p[i]! -= 0.1 * g.data[i]!
    }
  }

  it('spoils one leaf of a tree at a time and sees a step that wrote before it threw', async () => {
    const tree = () => ({ w: tensor([1, 2]), b: tensor([3]) })
    const report = await fuzzExports(
      't',
      { sloppyStep },
      { sloppyStep: { args: () => [tree(), tree()], keep: { 0: 'params are written on purpose' } } },
      { examples: 100 },
    )
    expect(report.examples.mutated.map((e) => e.call)).toEqual([
      'sloppyStep(tree leaf b of size 2)',
      'sloppyStep(tree without b)',
    ])
    expect(report.examples.mutated[0]!.detail).toBe(
      'arg 0.w.storage[0] changed, then it threw: sloppyStep: grads.b must be a tensor of size 1, got a float32 Tensor of shape [2]',
    )
  })
})

describe('fuzzExports: trees inside options', () => {
  it('spoils a tree held by an option leaf by leaf', async () => {
    /** Steps params.w, then finds data.y's size wrong. */
    const fitLike = (o: { params: { w: Tensor }; data: { x: Tensor; y: Tensor } }) => {
      readOptions('fitLike', o, { params: (_f, _k, v) => v, data: (_f, _k, v) => v })
      ;(o.params.w.storage as Float32Array)[0]! += 1
      if (!(o.data.y instanceof Tensor) || o.data.y.size !== o.data.x.size)
        fail('fitLike', 'data.y', `a tensor of size ${o.data.x.size}`, o.data.y)
      return o.params.w
    }
    const report = await fuzzExports(
      'f',
      { fitLike },
      {
        fitLike: {
          args: () => [{ params: { w: tensor([1]) }, data: { x: tensor([1, 2]), y: tensor([3, 4]) } }],
          options: [0],
        },
      },
      { examples: 100 },
    )
    expect(report.examples.mutated.map((e) => e.call)).toContain('fitLike(option data: tree leaf y of size 3)')
  })
})

describe('fuzzExports: pairing', () => {
  it('calls a result that changes with the order of a tree’s keys silent', async () => {
    /** Pairs params with updates by position, not by key. */
    const byPosition = (params: Record<string, Tensor>, updates: Record<string, Tensor>) => {
      const u = Object.values(updates)
      return Object.fromEntries(
        Object.entries(params).map(([k, p], i) => [k, tensor(Array.from(p.data, (x, j) => x + u[i]!.data[j]!))]),
      )
    }
    const tree = () => ({ w: tensor([1, 2]), b: tensor([3, 4]) })
    const report = await fuzzExports(
      'p',
      { byPosition },
      { byPosition: { args: () => [tree(), { w: tensor([1, 1]), b: tensor([5, 5]) }] } },
      { examples: 100 },
    )
    expect(report.examples.silent).toContainEqual({
      call: 'byPosition(tree keys in reverse order)',
      detail: 'returned another result than the valid call',
    })
  })
})

describe('fuzzExports: payloads', () => {
  it('changes a digit of a saved payload and cuts it in half: loading either must fail clearly', async () => {
    const load = (text: string): number[] => JSON.parse(text) as number[]
    const saved = () => JSON.stringify(Array.from({ length: 100 }, (_, i) => i)) // 291 characters
    const report = await fuzzExports('l', { load }, { load: { args: () => [saved()] } }, { examples: 100 })
    // the middle, character 145, is a digit
    expect(report.examples.silent).toContainEqual({ call: 'load(one digit changed at 145)', detail: 'accepted it' })
    expect(report.examples.crash.map((e) => e.call)).toContain('load(cut in half)')
  })
})

describe('classifyThrow', () => {
  it('calls an Error in the fn: shape clear and everything else a crash', () => {
    expect(classifyThrow(new Error('sum: axis must be an integer, got 1.5')).cls).toBe('clear')
    expect(classifyThrow(new TypeError("Cannot read properties of undefined (reading 'shape')"))).toEqual({
      cls: 'crash',
      detail: "TypeError: Cannot read properties of undefined (reading 'shape')",
    })
    expect(classifyThrow(new RangeError('Invalid typed array length: -1')).cls).toBe('crash')
    expect(classifyThrow('sum: a string')).toEqual({ cls: 'crash', detail: 'threw a non-Error: "sum: a string"' })
    expect(classifyThrow(new Error('something went wrong')).cls).toBe('crash')
  })
})

describe('fuzz values', () => {
  it('misspells an option name three ways', () => {
    expect(nearMisses('keepDims')).toEqual(['keepims', 'keepdims', 'keepDim'])
    expect(nearMisses('epochs')).toEqual(['epohs', 'Epochs', 'epoch'])
  })

  it('sees a write deep inside a tensor or a plain object, and nothing when nothing changed', () => {
    const t = tensor([1, 2, 3])
    const state = { m: [t], count: 2 }
    const before = snapshot(state)
    expect(changed(before, state)).toBeUndefined()
    ;(t.storage as Float32Array)[1] = 7
    expect(changed(before, state)).toBe('argument.m.0.storage[1]')
    state.count = 3
    expect(changed(snapshot(state), { ...state })).toBe('argument')
  })
})
